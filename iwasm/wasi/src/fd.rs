//! The `fd_*` functions on descriptors themselves: closing, renumbering, flags, rights,
//! metadata, sizes, times, syncing, and the preopen queries. (Reading and writing are in
//! `io`, directory listing in `readdir`.)

use std::io::IsTerminal;

use cap_std::fs::Metadata;

use super::errno::Errno;
use super::memory::write_bytes;
use super::rights::{
    FD_ADVISE, FD_ALLOCATE, FD_DATASYNC, FD_FDSTAT_SET_FLAGS, FD_FILESTAT_GET,
    FD_FILESTAT_SET_SIZE, FD_FILESTAT_SET_TIMES, FD_SYNC,
};
use super::stat::{filestat, filetype, filetype_of, times};
use super::table::{Descriptor, Kind};
use super::{Args, WasiCtx};

/// WASI `fdflags` bits.
pub mod fdflags {
    /// Writes go to the end of the file.
    pub const APPEND: u16 = 1;
    /// Writes wait for the data to reach storage.
    pub const DSYNC: u16 = 2;
    /// Non-blocking I/O.
    pub const NONBLOCK: u16 = 4;
    /// Reads wait for pending writes to reach storage.
    pub const RSYNC: u16 = 8;
    /// Writes wait for the data and metadata to reach storage.
    pub const SYNC: u16 = 16;
    /// Every flag defined by preview 1.
    pub const ALL: u16 = APPEND | DSYNC | NONBLOCK | RSYNC | SYNC;
    /// The flags that only `path_open` can set.
    pub const SYNC_FAMILY: u16 = DSYNC | RSYNC | SYNC;
}

/// The WASI file type of a descriptor: stdio is a character device when it is a terminal,
/// otherwise its type is not told.
fn descriptor_filetype(d: &Descriptor) -> Result<u8, Errno> {
    let tty = match &d.kind {
        Kind::Dir(_) => return Ok(filetype::DIRECTORY),
        Kind::File(f) => return Ok(filetype_of(Metadata::from_file(f)?.file_type())),
        Kind::Stdin => std::io::stdin().is_terminal(),
        Kind::Stdout => std::io::stdout().is_terminal(),
        Kind::Stderr => std::io::stderr().is_terminal(),
    };
    Ok(if tty {
        filetype::CHARACTER_DEVICE
    } else {
        filetype::UNKNOWN
    })
}

/// `fd_advise(fd, offset, len, advice)`: checked, then accepted without effect.
pub fn fd_advise(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    ctx.fds.get(a.u32(0))?.file(FD_ADVISE)?;
    if a.u32(3) > 5 {
        return Err(Errno::INVAL);
    }
    Ok(())
}

/// `fd_allocate(fd, offset, len)`: grows the file to cover the range.
pub fn fd_allocate(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    let file = ctx.fds.get(a.u32(0))?.file(FD_ALLOCATE)?;
    let end = a.u64(1).checked_add(a.u64(2)).ok_or(Errno::FBIG)?;
    if end > file.metadata()?.len() {
        file.set_len(end)?;
    }
    Ok(())
}

/// `fd_close(fd)`: any open fd, preopens included.
pub fn fd_close(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    ctx.fds.remove(a.u32(0)).map(drop)
}

/// Syncs a file or a directory with `sync`, given the right `need`; stdio is `EINVAL`.
fn sync_with(
    ctx: &WasiCtx,
    fd: u32,
    need: u64,
    sync: fn(std::os::fd::BorrowedFd<'_>) -> rustix::io::Result<()>,
) -> Result<(), Errno> {
    use cap_fs_ext::OpenOptionsMaybeDirExt;
    use std::os::fd::AsFd;
    let d = ctx.fds.get(fd)?;
    d.require(need)?;
    let result = match &d.kind {
        Kind::File(f) => sync(f.as_fd()),
        // A directory fd may be a path-only handle: sync a readable one of the same directory.
        Kind::Dir(dir) => {
            let readable = dir.open_with(
                ".",
                cap_std::fs::OpenOptions::new().read(true).maybe_dir(true),
            )?;
            sync(readable.as_fd())
        }
        _ => return Err(Errno::INVAL),
    };
    result.map_err(|e| std::io::Error::from(e).into())
}

/// `fd_datasync(fd)`.
pub fn fd_datasync(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    sync_with(ctx, a.u32(0), FD_DATASYNC, |fd| rustix::fs::fdatasync(fd))
}

/// `fd_sync(fd)`.
pub fn fd_sync(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    sync_with(ctx, a.u32(0), FD_SYNC, |fd| rustix::fs::fsync(fd))
}

/// `fd_fdstat_get(fd, fdstat)`: file type, flags and rights.
pub fn fd_fdstat_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let d = ctx.fds.get(a.u32(0))?;
    let mut stat = [0u8; 24];
    stat[0] = descriptor_filetype(d)?;
    stat[2..4].copy_from_slice(&d.flags.to_le_bytes());
    stat[8..16].copy_from_slice(&d.rights_base.to_le_bytes());
    stat[16..24].copy_from_slice(&d.rights_inheriting.to_le_bytes());
    write_bytes(mem, a.u32(1), &stat)
}

/// Sets `APPEND` and `NONBLOCK` of `flags` on the host file.
pub fn set_host_flags(file: &std::fs::File, flags: u16) -> Result<(), Errno> {
    use rustix::fs::OFlags;
    let mut host = rustix::fs::fcntl_getfl(file).map_err(std::io::Error::from)?;
    host.set(OFlags::APPEND, flags & fdflags::APPEND != 0);
    host.set(OFlags::NONBLOCK, flags & fdflags::NONBLOCK != 0);
    rustix::fs::fcntl_setfl(file, host).map_err(std::io::Error::from)?;
    Ok(())
}

/// `fd_fdstat_set_flags(fd, flags)`: `APPEND` and `NONBLOCK` on files; the `SYNC` family is
/// only set by `path_open` (changing it is `ENOTSUP`), unknown flags are `EINVAL`.
pub fn fd_fdstat_set_flags(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    let flags = u16::try_from(a.u32(1))
        .ok()
        .filter(|f| f & !fdflags::ALL == 0)
        .ok_or(Errno::INVAL)?;
    let d = ctx.fds.get_mut(a.u32(0))?;
    let Kind::File(file) = &d.kind else {
        return Err(Errno::BADF);
    };
    d.require(FD_FDSTAT_SET_FLAGS)?;
    if (flags ^ d.flags) & fdflags::SYNC_FAMILY != 0 {
        return Err(Errno::NOTSUP);
    }
    set_host_flags(file, flags)?;
    d.flags = flags;
    Ok(())
}

/// `fd_fdstat_set_rights(fd, base, inheriting)`: rights may only shrink (`ENOTCAPABLE`).
pub fn fd_fdstat_set_rights(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    let d = ctx.fds.get_mut(a.u32(0))?;
    let (base, inheriting) = (a.u64(1), a.u64(2));
    if base & !d.rights_base != 0 || inheriting & !d.rights_inheriting != 0 {
        return Err(Errno::NOTCAPABLE);
    }
    d.rights_base = base;
    d.rights_inheriting = inheriting;
    Ok(())
}

/// `fd_filestat_get(fd, filestat)`: stdio has only a file type (all else 0).
pub fn fd_filestat_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let d = ctx.fds.get(a.u32(0))?;
    d.require(FD_FILESTAT_GET)?;
    let stat = match &d.kind {
        Kind::File(f) => filestat(&Metadata::from_file(f)?),
        Kind::Dir(dir) => filestat(&dir.dir_metadata()?),
        _ => {
            let mut stat = [0u8; 64];
            stat[16] = descriptor_filetype(d)?;
            stat
        }
    };
    write_bytes(mem, a.u32(1), &stat)
}

/// `fd_filestat_set_size(fd, size)`.
pub fn fd_filestat_set_size(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    let file = ctx.fds.get(a.u32(0))?.file(FD_FILESTAT_SET_SIZE)?;
    Ok(file.set_len(a.u64(1))?)
}

/// `fd_filestat_set_times(fd, atim, mtim, fst_flags)`.
pub fn fd_filestat_set_times(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    let d = ctx.fds.get(a.u32(0))?;
    if d.is_stdio() {
        return Err(Errno::BADF);
    }
    d.require(FD_FILESTAT_SET_TIMES)?;
    let (atime, mtime) = times(a.u64(1), a.u64(2), a.u32(3))?;
    match &d.kind {
        Kind::File(f) => {
            let mut t = std::fs::FileTimes::new();
            if let Some(at) = atime {
                t = t.set_accessed(at.into_std());
            }
            if let Some(mt) = mtime {
                t = t.set_modified(mt.into_std());
            }
            Ok(f.set_times(t)?)
        }
        Kind::Dir(dir) => {
            use cap_fs_ext::{DirExt, SystemTimeSpec};
            let spec = |t: Option<cap_std::time::SystemTime>| t.map(SystemTimeSpec::Absolute);
            Ok(dir.set_times(".", spec(atime), spec(mtime))?)
        }
        _ => Err(Errno::BADF),
    }
}

/// `fd_renumber(from, to)`: moves `from` onto `to`, closing what `to` was; both must be
/// open (`EBADF` otherwise, as wasmtime and the WASI test suite's `renumber` expect).
pub fn fd_renumber(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (from, to) = (a.u32(0), a.u32(1));
    ctx.fds.get(to)?;
    let d = ctx.fds.remove(from)?;
    ctx.fds.insert_at(to, d);
    Ok(())
}

/// The guest name of preopen `fd` (`EBADF` for any other fd).
fn preopen_name(ctx: &WasiCtx, fd: u32) -> Result<&str, Errno> {
    ctx.fds.get(fd)?.preopen.as_deref().ok_or(Errno::BADF)
}

/// `fd_prestat_get(fd, prestat)`: a preopened directory and its name's length.
pub fn fd_prestat_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let len = u32::try_from(preopen_name(ctx, a.u32(0))?.len()).map_err(|_| Errno::OVERFLOW)?;
    let mut prestat = [0u8; 8];
    prestat[4..8].copy_from_slice(&len.to_le_bytes());
    write_bytes(mem, a.u32(1), &prestat)
}

/// `fd_prestat_dir_name(fd, path, path_len)`.
pub fn fd_prestat_dir_name(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let name = preopen_name(ctx, a.u32(0))?;
    if (a.u32(2) as usize) < name.len() {
        return Err(Errno::NAMETOOLONG);
    }
    write_bytes(mem, a.u32(1), name.as_bytes())
}
