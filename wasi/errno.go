package wasi

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/unix"
)

// Errno is a WASI preview 1 error number, as the spec numbers them.
type Errno uint16

// The preview 1 error numbers.
const (
	ErrnoSuccess Errno = iota
	Errno2big
	ErrnoAcces
	ErrnoAddrinuse
	ErrnoAddrnotavail
	ErrnoAfnosupport
	ErrnoAgain
	ErrnoAlready
	ErrnoBadf
	ErrnoBadmsg
	ErrnoBusy
	ErrnoCanceled
	ErrnoChild
	ErrnoConnaborted
	ErrnoConnrefused
	ErrnoConnreset
	ErrnoDeadlk
	ErrnoDestaddrreq
	ErrnoDom
	ErrnoDquot
	ErrnoExist
	ErrnoFault
	ErrnoFbig
	ErrnoHostunreach
	ErrnoIdrm
	ErrnoIlseq
	ErrnoInprogress
	ErrnoIntr
	ErrnoInval
	ErrnoIo
	ErrnoIsconn
	ErrnoIsdir
	ErrnoLoop
	ErrnoMfile
	ErrnoMlink
	ErrnoMsgsize
	ErrnoMultihop
	ErrnoNametoolong
	ErrnoNetdown
	ErrnoNetreset
	ErrnoNetunreach
	ErrnoNfile
	ErrnoNobufs
	ErrnoNodev
	ErrnoNoent
	ErrnoNoexec
	ErrnoNolck
	ErrnoNolink
	ErrnoNomem
	ErrnoNomsg
	ErrnoNoprotoopt
	ErrnoNospc
	ErrnoNosys
	ErrnoNotconn
	ErrnoNotdir
	ErrnoNotempty
	ErrnoNotrecoverable
	ErrnoNotsock
	ErrnoNotsup
	ErrnoNotty
	ErrnoNxio
	ErrnoOverflow
	ErrnoOwnerdead
	ErrnoPerm
	ErrnoPipe
	ErrnoProto
	ErrnoProtonosupport
	ErrnoPrototype
	ErrnoRange
	ErrnoRofs
	ErrnoSpipe
	ErrnoSrch
	ErrnoStale
	ErrnoTimedout
	ErrnoTxtbsy
	ErrnoXdev
	ErrnoNotcapable
)

var hostErrnos = map[unix.Errno]Errno{
	unix.E2BIG: Errno2big, unix.EACCES: ErrnoAcces, unix.EADDRINUSE: ErrnoAddrinuse,
	unix.EADDRNOTAVAIL: ErrnoAddrnotavail, unix.EAFNOSUPPORT: ErrnoAfnosupport,
	unix.EAGAIN: ErrnoAgain, unix.EALREADY: ErrnoAlready, unix.EBADF: ErrnoBadf,
	unix.EBADMSG: ErrnoBadmsg, unix.EBUSY: ErrnoBusy, unix.ECANCELED: ErrnoCanceled,
	unix.ECHILD: ErrnoChild, unix.ECONNABORTED: ErrnoConnaborted,
	unix.ECONNREFUSED: ErrnoConnrefused, unix.ECONNRESET: ErrnoConnreset,
	unix.EDEADLK: ErrnoDeadlk, unix.EDESTADDRREQ: ErrnoDestaddrreq, unix.EDOM: ErrnoDom,
	unix.EDQUOT: ErrnoDquot, unix.EEXIST: ErrnoExist, unix.EFAULT: ErrnoFault,
	unix.EFBIG: ErrnoFbig, unix.EHOSTUNREACH: ErrnoHostunreach, unix.EIDRM: ErrnoIdrm,
	unix.EILSEQ: ErrnoIlseq, unix.EINPROGRESS: ErrnoInprogress, unix.EINTR: ErrnoIntr,
	unix.EINVAL: ErrnoInval, unix.EIO: ErrnoIo, unix.EISCONN: ErrnoIsconn,
	unix.EISDIR: ErrnoIsdir, unix.ELOOP: ErrnoLoop, unix.EMFILE: ErrnoMfile,
	unix.EMLINK: ErrnoMlink, unix.EMSGSIZE: ErrnoMsgsize, unix.EMULTIHOP: ErrnoMultihop,
	unix.ENAMETOOLONG: ErrnoNametoolong, unix.ENETDOWN: ErrnoNetdown,
	unix.ENETRESET: ErrnoNetreset, unix.ENETUNREACH: ErrnoNetunreach,
	unix.ENFILE: ErrnoNfile, unix.ENOBUFS: ErrnoNobufs, unix.ENODEV: ErrnoNodev,
	unix.ENOENT: ErrnoNoent, unix.ENOEXEC: ErrnoNoexec, unix.ENOLCK: ErrnoNolck,
	unix.ENOLINK: ErrnoNolink, unix.ENOMEM: ErrnoNomem, unix.ENOMSG: ErrnoNomsg,
	unix.ENOPROTOOPT: ErrnoNoprotoopt, unix.ENOSPC: ErrnoNospc, unix.ENOSYS: ErrnoNosys,
	unix.ENOTCONN: ErrnoNotconn, unix.ENOTDIR: ErrnoNotdir, unix.ENOTEMPTY: ErrnoNotempty,
	unix.ENOTRECOVERABLE: ErrnoNotrecoverable, unix.ENOTSOCK: ErrnoNotsock,
	unix.ENOTSUP: ErrnoNotsup, unix.ENOTTY: ErrnoNotty, unix.ENXIO: ErrnoNxio,
	unix.EOVERFLOW: ErrnoOverflow, unix.EOWNERDEAD: ErrnoOwnerdead, unix.EPERM: ErrnoPerm,
	unix.EPIPE: ErrnoPipe, unix.EPROTO: ErrnoProto,
	unix.EPROTONOSUPPORT: ErrnoProtonosupport, unix.EPROTOTYPE: ErrnoPrototype,
	unix.ERANGE: ErrnoRange, unix.EROFS: ErrnoRofs, unix.ESPIPE: ErrnoSpipe,
	unix.ESRCH: ErrnoSrch, unix.ESTALE: ErrnoStale, unix.ETIMEDOUT: ErrnoTimedout,
	unix.ETXTBSY: ErrnoTxtbsy, unix.EXDEV: ErrnoXdev,
}

// toErrno converts a host error. Unknown errors become EIO, so that a
// guest never sees success for a failed operation.
func toErrno(err error) Errno {
	if err == nil {
		return ErrnoSuccess
	}
	var e unix.Errno
	if errors.As(err, &e) {
		if w, ok := hostErrnos[e]; ok {
			return w
		}
		return ErrnoIo
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ErrnoNoent
	case errors.Is(err, fs.ErrExist):
		return ErrnoExist
	case errors.Is(err, fs.ErrPermission):
		return ErrnoPerm
	case errors.Is(err, fs.ErrClosed):
		return ErrnoBadf
	}
	return ErrnoIo
}
