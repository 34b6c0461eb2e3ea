package runtime

// The arm64 code generator registers itself with package backend.
import _ "github.com/wasmc/wasmc/backend/arm64"
