//! WASI `rights`: what a descriptor may be used for. Every function checks the rights it
//! needs on the descriptor it acts on (`ENOTCAPABLE` when one is missing), after checking the
//! descriptor's kind (`EBADF`, `ENOTDIR`, `ESPIPE`) and, for reads and writes, that it was
//! opened for that (`EBADF`, as the host says). Rights only ever shrink:
//! `fd_fdstat_set_rights` refuses to add one, and `path_open` grants no more than the
//! directory's inheriting rights.
//!
//! | function | rights checked |
//! | --- | --- |
//! | `fd_advise` | `FD_ADVISE` |
//! | `fd_allocate` | `FD_ALLOCATE` |
//! | `fd_datasync` | `FD_DATASYNC` |
//! | `fd_fdstat_set_flags` | `FD_FDSTAT_SET_FLAGS` |
//! | `fd_fdstat_set_rights` | the new rights within the old ones |
//! | `fd_filestat_get` | `FD_FILESTAT_GET` |
//! | `fd_filestat_set_size` | `FD_FILESTAT_SET_SIZE` |
//! | `fd_filestat_set_times` | `FD_FILESTAT_SET_TIMES` |
//! | `fd_pread` | `FD_READ`, `FD_SEEK` |
//! | `fd_pwrite` | `FD_WRITE`, `FD_SEEK` |
//! | `fd_read` | `FD_READ` |
//! | `fd_readdir` | `FD_READDIR` |
//! | `fd_seek` | `FD_TELL` (offset 0 from the current position), else `FD_SEEK`, `FD_TELL` |
//! | `fd_sync` | `FD_SYNC` |
//! | `fd_tell` | `FD_TELL` |
//! | `fd_write` | `FD_WRITE` |
//! | `path_create_directory` | `PATH_CREATE_DIRECTORY` |
//! | `path_filestat_get` | `PATH_FILESTAT_GET` |
//! | `path_filestat_set_times` | `PATH_FILESTAT_SET_TIMES` |
//! | `path_link` | `PATH_LINK_SOURCE` (old directory), `PATH_LINK_TARGET` (new directory) |
//! | `path_open` | `PATH_OPEN`, + `PATH_CREATE_FILE` to create, + `PATH_FILESTAT_SET_SIZE` to truncate; the rights asked for (+ `FD_DATASYNC`/`FD_SYNC` for the sync flags) within the inheriting rights |
//! | `path_readlink` | `PATH_READLINK` |
//! | `path_remove_directory` | `PATH_REMOVE_DIRECTORY` |
//! | `path_rename` | `PATH_RENAME_SOURCE` (old directory), `PATH_RENAME_TARGET` (new directory) |
//! | `path_symlink` | `PATH_SYMLINK` |
//! | `path_unlink_file` | `PATH_UNLINK_FILE` |
//! | `poll_oneoff` | `POLL_FD_READWRITE` on each fd subscribed to (the event's error) |
//!
//! The other 19 functions check no right: `args_*`, `environ_*`, `clock_*`, `random_get`,
//! `proc_exit`, `proc_raise`, `sched_yield`, `fd_close`, `fd_fdstat_get`, `fd_prestat_*`,
//! `fd_renumber`, and `sock_*` (no socket is ever granted: `EBADF` or `ENOTSOCK`).

/// `fd_datasync`.
pub const FD_DATASYNC: u64 = 1 << 0;
/// `fd_read`, `sock_recv`.
pub const FD_READ: u64 = 1 << 1;
/// `fd_seek` (implies `FD_TELL`), `fd_pread`, `fd_pwrite`.
pub const FD_SEEK: u64 = 1 << 2;
/// `fd_fdstat_set_flags`.
pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
/// `fd_sync`.
pub const FD_SYNC: u64 = 1 << 4;
/// `fd_tell`, and `fd_seek` of 0 from the current position.
pub const FD_TELL: u64 = 1 << 5;
/// `fd_write`, `sock_send`.
pub const FD_WRITE: u64 = 1 << 6;
/// `fd_advise`.
pub const FD_ADVISE: u64 = 1 << 7;
/// `fd_allocate`.
pub const FD_ALLOCATE: u64 = 1 << 8;
/// `path_create_directory`.
pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
/// `path_open` with `OFLAGS_CREAT`.
pub const PATH_CREATE_FILE: u64 = 1 << 10;
/// `path_link`, on the source directory.
pub const PATH_LINK_SOURCE: u64 = 1 << 11;
/// `path_link`, on the target directory.
pub const PATH_LINK_TARGET: u64 = 1 << 12;
/// `path_open`.
pub const PATH_OPEN: u64 = 1 << 13;
/// `fd_readdir`.
pub const FD_READDIR: u64 = 1 << 14;
/// `path_readlink`.
pub const PATH_READLINK: u64 = 1 << 15;
/// `path_rename`, on the source directory.
pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
/// `path_rename`, on the target directory.
pub const PATH_RENAME_TARGET: u64 = 1 << 17;
/// `path_filestat_get`.
pub const PATH_FILESTAT_GET: u64 = 1 << 18;
/// `path_open` with `OFLAGS_TRUNC`.
pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
/// `path_filestat_set_times`.
pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
/// `fd_filestat_get`.
pub const FD_FILESTAT_GET: u64 = 1 << 21;
/// `fd_filestat_set_size`.
pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
/// `fd_filestat_set_times`.
pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
/// `path_symlink`.
pub const PATH_SYMLINK: u64 = 1 << 24;
/// `path_remove_directory`.
pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
/// `path_unlink_file`.
pub const PATH_UNLINK_FILE: u64 = 1 << 26;
/// `poll_oneoff` read and write subscriptions.
pub const POLL_FD_READWRITE: u64 = 1 << 27;
/// `sock_shutdown`.
pub const SOCK_SHUTDOWN: u64 = 1 << 28;
/// `sock_accept`.
pub const SOCK_ACCEPT: u64 = 1 << 29;

/// The rights that make sense on a regular file (or another non-directory).
pub const FILE: u64 = FD_DATASYNC
    | FD_READ
    | FD_SEEK
    | FD_FDSTAT_SET_FLAGS
    | FD_SYNC
    | FD_TELL
    | FD_WRITE
    | FD_ADVISE
    | FD_ALLOCATE
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_SIZE
    | FD_FILESTAT_SET_TIMES
    | POLL_FD_READWRITE;

/// The rights that make sense on a directory: the `path_*` ones, listing and metadata.
pub const DIR: u64 = FD_DATASYNC
    | FD_FDSTAT_SET_FLAGS
    | FD_SYNC
    | FD_ADVISE
    | PATH_CREATE_DIRECTORY
    | PATH_CREATE_FILE
    | PATH_LINK_SOURCE
    | PATH_LINK_TARGET
    | PATH_OPEN
    | FD_READDIR
    | PATH_READLINK
    | PATH_RENAME_SOURCE
    | PATH_RENAME_TARGET
    | PATH_FILESTAT_GET
    | PATH_FILESTAT_SET_SIZE
    | PATH_FILESTAT_SET_TIMES
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_TIMES
    | PATH_SYMLINK
    | PATH_REMOVE_DIRECTORY
    | PATH_UNLINK_FILE
    | POLL_FD_READWRITE;

/// What descriptors opened below a directory may have: directory and file rights.
pub const DIR_INHERITING: u64 = DIR | FILE;

/// The rights of stdin.
pub const STDIN: u64 = FD_READ | FD_FILESTAT_GET | POLL_FD_READWRITE;

/// The rights of stdout and stderr.
pub const STDOUT: u64 = FD_WRITE | FD_FILESTAT_GET | POLL_FD_READWRITE;

/// The rights tied to the access mode a file is opened with (read or write): a file has them
/// only when `path_open` asked for them. wasi-libc asks for every other right on every open;
/// `path_open` grants those (within the directory's inheriting rights) even to a caller that
/// asks for less, as other preview 1 runtimes do.
pub const ACCESS_MODE: u64 =
    FD_DATASYNC | FD_READ | FD_WRITE | FD_ALLOCATE | FD_READDIR | FD_FILESTAT_SET_SIZE;

/// `ENOTCAPABLE` unless `have` holds every right in `need`.
pub fn check(have: u64, need: u64) -> Result<(), crate::Errno> {
    if have & need == need {
        Ok(())
    } else {
        Err(crate::Errno::NOTCAPABLE)
    }
}
