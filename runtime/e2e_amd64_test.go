package runtime

// The amd64 code generator registers itself with package backend.
import _ "github.com/wasmc/wasmc/backend/amd64"
