package backend

// For the external tests.
var (
	EntryChecks = entryChecks
	Cyclic      = cyclic
)
