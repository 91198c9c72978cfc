//! WASI error numbers (`errno`) and their mapping from host I/O errors.

use std::io;

/// A WASI preview 1 error number, as returned to the guest by every `wasi_snapshot_preview1`
/// function (0 is success and never appears here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub u16);

macro_rules! errnos {
    ($($name:ident = $value:expr, $doc:expr;)*) => {
        impl Errno {
            $(#[doc = $doc] pub const $name: Errno = Errno($value);)*
        }
    };
}

errnos! {
    TOOBIG = 1, "Argument list too long.";
    ACCES = 2, "Permission denied.";
    AGAIN = 6, "Resource unavailable, try again.";
    BADF = 8, "Bad file descriptor.";
    BUSY = 10, "Device or resource busy.";
    EXIST = 20, "File exists.";
    FAULT = 21, "Bad address (a guest pointer out of bounds).";
    FBIG = 22, "File too large.";
    ILSEQ = 25, "Illegal byte sequence (a path that is not UTF-8).";
    INTR = 27, "Interrupted function.";
    INVAL = 28, "Invalid argument.";
    IO = 29, "I/O error.";
    ISDIR = 31, "Is a directory.";
    LOOP = 32, "Too many levels of symbolic links.";
    MFILE = 33, "File descriptor value too large.";
    MLINK = 34, "Too many links.";
    NAMETOOLONG = 37, "Filename too long.";
    NFILE = 41, "Too many files open in system.";
    NODEV = 43, "No such device.";
    NOENT = 44, "No such file or directory.";
    NOMEM = 48, "Not enough space.";
    NOSPC = 51, "No space left on device.";
    NOSYS = 52, "Function not supported.";
    NOTDIR = 54, "Not a directory or a symbolic link to a directory.";
    NOTEMPTY = 55, "Directory not empty.";
    NOTSOCK = 57, "Not a socket.";
    NOTSUP = 58, "Not supported.";
    NOTTY = 59, "Inappropriate I/O control operation.";
    NXIO = 60, "No such device or address.";
    OVERFLOW = 61, "Value too large to be stored in data type.";
    PERM = 63, "Operation not permitted.";
    PIPE = 64, "Broken pipe.";
    RANGE = 68, "Result too large.";
    ROFS = 69, "Read-only file system.";
    SPIPE = 70, "Invalid seek.";
    TIMEDOUT = 73, "Connection timed out.";
    TXTBSY = 74, "Text file busy.";
    XDEV = 75, "Cross-device link.";
    NOTCAPABLE = 76, "Capabilities insufficient (e.g. a path leading outside a preopen).";
}

impl From<io::Error> for Errno {
    fn from(e: io::Error) -> Errno {
        match e.raw_os_error() {
            Some(code) => from_raw_os_error(code),
            None => from_kind(e.kind()),
        }
    }
}

/// The WASI errno for a host `errno` value.
fn from_raw_os_error(code: i32) -> Errno {
    use rustix::io::Errno as E;
    let e = E::from_raw_os_error(code);
    let table: &[(E, Errno)] = &[
        (E::TOOBIG, Errno::TOOBIG),
        (E::ACCESS, Errno::ACCES),
        (E::AGAIN, Errno::AGAIN),
        (E::BADF, Errno::BADF),
        (E::BUSY, Errno::BUSY),
        (E::EXIST, Errno::EXIST),
        (E::FAULT, Errno::FAULT),
        (E::FBIG, Errno::FBIG),
        (E::ILSEQ, Errno::ILSEQ),
        (E::INTR, Errno::INTR),
        (E::INVAL, Errno::INVAL),
        (E::IO, Errno::IO),
        (E::ISDIR, Errno::ISDIR),
        (E::LOOP, Errno::LOOP),
        (E::MFILE, Errno::MFILE),
        (E::MLINK, Errno::MLINK),
        (E::NAMETOOLONG, Errno::NAMETOOLONG),
        (E::NFILE, Errno::NFILE),
        (E::NODEV, Errno::NODEV),
        (E::NOENT, Errno::NOENT),
        (E::NOMEM, Errno::NOMEM),
        (E::NOSPC, Errno::NOSPC),
        (E::NOSYS, Errno::NOSYS),
        (E::NOTDIR, Errno::NOTDIR),
        (E::NOTEMPTY, Errno::NOTEMPTY),
        (E::NOTSOCK, Errno::NOTSOCK),
        (E::NOTSUP, Errno::NOTSUP),
        (E::OPNOTSUPP, Errno::NOTSUP),
        (E::NOTTY, Errno::NOTTY),
        (E::NXIO, Errno::NXIO),
        (E::OVERFLOW, Errno::OVERFLOW),
        (E::PERM, Errno::PERM),
        (E::PIPE, Errno::PIPE),
        (E::RANGE, Errno::RANGE),
        (E::ROFS, Errno::ROFS),
        (E::SPIPE, Errno::SPIPE),
        (E::TIMEDOUT, Errno::TIMEDOUT),
        (E::TXTBSY, Errno::TXTBSY),
        (E::XDEV, Errno::XDEV),
    ];
    table
        .iter()
        .find(|(host, _)| *host == e)
        .map_or(Errno::IO, |(_, wasi)| *wasi)
}

/// The WASI errno for an error without an OS code. cap-std reports a path that would leave
/// the sandbox (`..`, an absolute path, a symlink pointing outside) as `PermissionDenied`
/// without an OS code: that is `ENOTCAPABLE`.
fn from_kind(kind: io::ErrorKind) -> Errno {
    use io::ErrorKind as K;
    match kind {
        K::NotFound => Errno::NOENT,
        K::PermissionDenied => Errno::NOTCAPABLE,
        K::AlreadyExists => Errno::EXIST,
        K::WouldBlock => Errno::AGAIN,
        K::InvalidInput => Errno::INVAL,
        K::InvalidData => Errno::ILSEQ,
        K::Interrupted => Errno::INTR,
        K::Unsupported => Errno::NOTSUP,
        K::OutOfMemory => Errno::NOMEM,
        K::BrokenPipe => Errno::PIPE,
        K::TimedOut => Errno::TIMEDOUT,
        K::UnexpectedEof => Errno::IO,
        _ => Errno::IO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_os_errors_and_kinds() {
        let noent = io::Error::from_raw_os_error(rustix::io::Errno::NOENT.raw_os_error());
        assert_eq!(Errno::from(noent), Errno::NOENT);
        let escape = io::Error::new(io::ErrorKind::PermissionDenied, "outside");
        assert_eq!(Errno::from(escape), Errno::NOTCAPABLE);
        let acces = io::Error::from_raw_os_error(rustix::io::Errno::ACCESS.raw_os_error());
        assert_eq!(Errno::from(acces), Errno::ACCES);
    }
}
