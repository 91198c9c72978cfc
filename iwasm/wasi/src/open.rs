//! `path_open`: opens a file or a directory below a directory fd.
//!
//! **Rights.** The directory needs `PATH_OPEN`, plus `PATH_CREATE_FILE` to create and
//! `PATH_FILESTAT_SET_SIZE` to truncate; the rights asked for (base and inheriting, plus
//! `FD_SYNC`/`FD_DATASYNC` for the sync flags) must be within its inheriting rights, else
//! `ENOTCAPABLE`. The new fd gets what it asked for plus the rights not tied to an access
//! mode ([`rights::ACCESS_MODE`]), limited to what its type can use and to the directory's
//! inheriting rights; a directory inherits its parent's inheriting rights, a file none.
//!
//! **Access mode.** A file is opened for reading when `FD_READ` or `FD_READDIR` is asked
//! for, for writing when `FD_WRITE`, `FD_ALLOCATE` or `FD_FILESTAT_SET_SIZE` is (creating and
//! truncating write on the host, but do not make the fd writable). A path that turns out to be
//! a directory opens as one, unless it is asked to be written.

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
use cap_std::fs::{Dir, OpenOptions, OpenOptionsExt};
use rustix::fs::OFlags;

use super::errno::Errno;
use super::fd::{fdflags, set_host_flags};
use super::fs::{path_arg, SYMLINK_FOLLOW};
use super::memory::{result_ptr, write_u32};
use super::rights::{self, FD_DATASYNC, FD_READ, FD_READDIR, FD_SYNC, FD_WRITE};
use super::table::{Descriptor, Kind};
use super::{Args, WasiCtx};

/// `oflags` bits.
const O_CREAT: u32 = 1;
const O_DIRECTORY: u32 = 2;
const O_EXCL: u32 = 4;
const O_TRUNC: u32 = 8;

/// What `path_open` was asked for.
struct Request {
    /// `oflags`.
    oflags: u32,
    /// The base rights asked for.
    base: u64,
    /// The `fdflags`.
    flags: u16,
    /// Whether a final symlink is followed.
    follow: FollowSymlinks,
}

impl Request {
    fn wants(&self, oflag: u32) -> bool {
        self.oflags & oflag != 0
    }

    /// Whether the file is to be read, and written.
    fn access(&self) -> (bool, bool) {
        let read = self.base & (FD_READ | FD_READDIR) != 0;
        let write =
            self.base & (FD_WRITE | rights::FD_ALLOCATE | rights::FD_FILESTAT_SET_SIZE) != 0;
        (read, write)
    }

    /// The rights the directory needs, and those that must be within its inheriting rights.
    fn needed_rights(&self, inheriting: u64) -> (u64, u64) {
        let mut base = rights::PATH_OPEN;
        if self.wants(O_CREAT) {
            base |= rights::PATH_CREATE_FILE;
        }
        if self.wants(O_TRUNC) {
            base |= rights::PATH_FILESTAT_SET_SIZE;
        }
        let mut inherited = self.base | inheriting;
        if self.flags & fdflags::DSYNC != 0 {
            inherited |= FD_DATASYNC;
        }
        if self.flags & (fdflags::SYNC | fdflags::RSYNC) != 0 {
            inherited |= FD_SYNC;
        }
        (base, inherited)
    }
}

/// `path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags,
/// opened_fd)`: `opened_fd` is checked first, so that no fd is opened for nobody.
pub fn path_open(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let flags = u16::try_from(a.u32(7))
        .ok()
        .filter(|f| f & !fdflags::ALL == 0)
        .ok_or(Errno::INVAL)?;
    let request = Request {
        oflags: a.u32(4),
        base: a.u64(5),
        flags,
        follow: if a.u32(1) & SYMLINK_FOLLOW != 0 {
            FollowSymlinks::Yes
        } else {
            FollowSymlinks::No
        },
    };
    if request.oflags & !(O_CREAT | O_DIRECTORY | O_EXCL | O_TRUNC) != 0 {
        return Err(Errno::INVAL);
    }
    let opened_fd = result_ptr(mem, a.u32(8), 4)?;
    let parent = ctx.fds.get(a.u32(0))?;
    let (need, inherited) = request.needed_rights(a.u64(6));
    let dir = parent.dir(need)?;
    rights::check(parent.rights_inheriting, inherited)?;
    let path = path_arg(mem, a.u32(2), a.u32(3))?;
    let kind = if request.wants(O_DIRECTORY) {
        if request.wants(O_CREAT | O_EXCL | O_TRUNC) {
            return Err(Errno::INVAL);
        }
        // A directory is never opened for writing (the suite's `path_open_preopen`).
        if request.base & FD_WRITE != 0 {
            return Err(Errno::ISDIR);
        }
        Kind::Dir(match request.follow {
            FollowSymlinks::Yes => dir.open_dir(path)?,
            FollowSymlinks::No => dir.open_dir_nofollow(path)?,
        })
    } else {
        open_file(dir, path, &request)?
    };
    let inheriting = parent.rights_inheriting;
    let (readable, writable) = request.access();
    let descriptor = match kind {
        Kind::Dir(_) => Descriptor {
            kind,
            preopen: None,
            rights_base: rights::DIR & inheriting,
            rights_inheriting: rights::DIR_INHERITING & inheriting,
            flags: request.flags,
            readable: true,
            writable: false,
        },
        _ => Descriptor {
            kind,
            preopen: None,
            rights_base: (request.base | (rights::FILE & !rights::ACCESS_MODE))
                & rights::FILE
                & inheriting,
            rights_inheriting: 0,
            flags: request.flags,
            readable: readable || !writable,
            writable,
        },
    };
    let new_fd = ctx.fds.insert_from(3, descriptor)?;
    write_u32(mem, opened_fd, new_fd)
}

/// Opens `path` without `O_DIRECTORY`: a file, or a directory if that is what it names.
fn open_file(dir: &Dir, path: &str, request: &Request) -> Result<Kind, Errno> {
    let (read, write) = request.access();
    // The host needs write access to create or truncate.
    let host_write = write || request.wants(O_CREAT | O_TRUNC);
    let mut host_flags = OFlags::empty();
    if request.flags & fdflags::NONBLOCK != 0 {
        host_flags |= OFlags::NONBLOCK;
    }
    if request.flags & fdflags::DSYNC != 0 {
        host_flags |= OFlags::DSYNC;
    }
    if request.flags & (fdflags::SYNC | fdflags::RSYNC) != 0 {
        host_flags |= OFlags::SYNC;
    }
    let mut opts = OpenOptions::new();
    opts.read(read || !host_write)
        .write(host_write)
        .create(request.wants(O_CREAT))
        .create_new(request.wants(O_CREAT) && request.wants(O_EXCL))
        .truncate(request.wants(O_TRUNC))
        .follow(request.follow)
        .maybe_dir(true)
        .custom_flags(host_flags.bits() as i32);
    let file = dir.open_with(path, &opts)?.into_std();
    if file.metadata()?.is_dir() {
        return Ok(Kind::Dir(Dir::from_std_file(file)));
    }
    // Append mode is set after the open: the host refuses it together with truncation.
    set_host_flags(&file, request.flags)?;
    Ok(Kind::File(file))
}
