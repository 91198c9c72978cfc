//! The `path_*` functions but `path_open` (in `open`). Every path is resolved by cap-std
//! relative to a directory fd, so the guest cannot leave its preopened directories (`..`,
//! absolute paths and symlinks pointing outside all fail with `ENOTCAPABLE`, checked and
//! opened race-free). Each function first checks that the fd is a directory (`ENOTDIR`), then
//! its rights (`ENOTCAPABLE`), then the path.

use std::os::unix::ffi::OsStrExt;

use cap_fs_ext::{DirExt, SystemTimeSpec};
use cap_std::fs::Dir;

use super::errno::Errno;
use super::memory::{read_str, write_bytes, write_u32};
use super::rights::{
    PATH_CREATE_DIRECTORY, PATH_FILESTAT_GET, PATH_FILESTAT_SET_TIMES, PATH_LINK_SOURCE,
    PATH_LINK_TARGET, PATH_READLINK, PATH_REMOVE_DIRECTORY, PATH_RENAME_SOURCE, PATH_RENAME_TARGET,
    PATH_SYMLINK, PATH_UNLINK_FILE,
};
use super::stat::{filestat, times};
use super::{Args, WasiCtx};

/// `lookupflags`: follow a final symlink.
pub const SYMLINK_FOLLOW: u32 = 1;

/// The guest path at `(ptr, len)`: UTF-8 (`EILSEQ`) without NUL bytes (`EINVAL`).
pub fn path_arg(mem: &[u8], ptr: u32, len: u32) -> Result<&str, Errno> {
    let path = read_str(mem, ptr, len)?;
    if path.contains('\0') {
        return Err(Errno::INVAL);
    }
    Ok(path)
}

/// `path` without its trailing slashes (`/` stays), and whether it had any: such a path
/// names a directory (cap-std would drop or refuse the slash).
fn split_trailing_slashes(path: &str) -> (&str, bool) {
    let trimmed = path.trim_end_matches('/');
    match trimmed.len() {
        0 => (path, false),
        n => (trimmed, n < path.len()),
    }
}

/// `ENOTDIR` unless `meta` is a directory.
fn require_dir(meta: &cap_std::fs::Metadata) -> Result<(), Errno> {
    if meta.is_dir() {
        Ok(())
    } else {
        Err(Errno::NOTDIR)
    }
}

/// The directory fd `fd`, which must have the rights `need`, and the guest path at
/// `(ptr, len)`.
fn dir_and_path<'a>(
    ctx: &'a WasiCtx,
    mem: &'a [u8],
    fd: u32,
    need: u64,
    (ptr, len): (u32, u32),
) -> Result<(&'a Dir, &'a str), Errno> {
    let dir = ctx.fds.get(fd)?.dir(need)?;
    Ok((dir, path_arg(mem, ptr, len)?))
}

/// `path_create_directory(fd, path, path_len)`.
pub fn path_create_directory(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let path = (a.u32(1), a.u32(2));
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), PATH_CREATE_DIRECTORY, path)?;
    Ok(dir.create_dir(split_trailing_slashes(path).0)?)
}

/// `path_remove_directory(fd, path, path_len)`: an empty directory (a trailing slash is
/// fine); anything else is `ENOTDIR`.
pub fn path_remove_directory(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let path = (a.u32(1), a.u32(2));
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), PATH_REMOVE_DIRECTORY, path)?;
    Ok(dir.remove_dir(split_trailing_slashes(path).0)?)
}

/// `path_unlink_file(fd, path, path_len)`: removes a file or a symlink (never its target);
/// a directory is `EISDIR`, a file named with a trailing slash `ENOTDIR`.
pub fn path_unlink_file(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let path = (a.u32(1), a.u32(2));
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), PATH_UNLINK_FILE, path)?;
    Ok(dir.remove_file_or_symlink(path)?)
}

/// `path_rename(fd, old_path, old_len, new_fd, new_path, new_len)`: with a trailing slash on
/// either path, the source must be a directory (`ENOTDIR`).
pub fn path_rename(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let old = (a.u32(1), a.u32(2));
    let new = (a.u32(4), a.u32(5));
    let (from_dir, from) = dir_and_path(ctx, mem, a.u32(0), PATH_RENAME_SOURCE, old)?;
    let (to_dir, to) = dir_and_path(ctx, mem, a.u32(3), PATH_RENAME_TARGET, new)?;
    let (from, from_slash) = split_trailing_slashes(from);
    let (to, to_slash) = split_trailing_slashes(to);
    if from_slash || to_slash {
        require_dir(&from_dir.symlink_metadata(from)?)?;
    }
    Ok(from_dir.rename(from, to_dir, to)?)
}

/// `path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len)`: links the
/// entry itself (a symlink stays a symlink); `SYMLINK_FOLLOW` is `EINVAL`, as in other
/// preview 1 runtimes (Linux cannot follow the source race-free).
pub fn path_link(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let old = (a.u32(2), a.u32(3));
    let new = (a.u32(5), a.u32(6));
    let (from_dir, from) = dir_and_path(ctx, mem, a.u32(0), PATH_LINK_SOURCE, old)?;
    let (to_dir, to) = dir_and_path(ctx, mem, a.u32(4), PATH_LINK_TARGET, new)?;
    if a.u32(1) & SYMLINK_FOLLOW != 0 {
        return Err(Errno::INVAL);
    }
    Ok(from_dir.hard_link(from, to_dir, to)?)
}

/// `path_symlink(old_path, old_len, fd, new_path, new_len)`: the link's contents are not
/// checked here; following it later is (a link pointing outside leads nowhere).
pub fn path_symlink(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let target = path_arg(mem, a.u32(0), a.u32(1))?;
    let link = (a.u32(3), a.u32(4));
    let (dir, link) = dir_and_path(ctx, mem, a.u32(2), PATH_SYMLINK, link)?;
    Ok(DirExt::symlink(dir, target, link)?)
}

/// `path_readlink(fd, path, path_len, buf, buf_len, bufused)`: the contents, truncated to the
/// buffer.
pub fn path_readlink(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let path = (a.u32(1), a.u32(2));
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), PATH_READLINK, path)?;
    let target = dir.read_link_contents(path)?;
    let bytes = target.as_os_str().as_bytes();
    let bytes = bytes[..bytes.len().min(a.u32(4) as usize)].to_vec();
    write_bytes(mem, a.u32(3), &bytes)?;
    // At most `buf_len`, a u32.
    write_u32(mem, a.u32(5), bytes.len() as u32)
}

/// `path_filestat_get(fd, flags, path, path_len, filestat)`: of the symlink itself unless
/// `SYMLINK_FOLLOW` or a trailing slash (which also requires a directory).
pub fn path_filestat_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let path = (a.u32(2), a.u32(3));
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), PATH_FILESTAT_GET, path)?;
    let (path, slash) = split_trailing_slashes(path);
    let meta = if a.u32(1) & SYMLINK_FOLLOW != 0 || slash {
        dir.metadata(path)?
    } else {
        dir.symlink_metadata(path)?
    };
    if slash {
        require_dir(&meta)?;
    }
    write_bytes(mem, a.u32(4), &filestat(&meta))
}

/// `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)`: of the
/// symlink itself unless `SYMLINK_FOLLOW`.
pub fn path_filestat_set_times(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let path = (a.u32(2), a.u32(3));
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), PATH_FILESTAT_SET_TIMES, path)?;
    let (atime, mtime) = times(a.u64(4), a.u64(5), a.u32(6))?;
    let (atime, mtime) = (
        atime.map(SystemTimeSpec::Absolute),
        mtime.map(SystemTimeSpec::Absolute),
    );
    if a.u32(1) & SYMLINK_FOLLOW != 0 {
        Ok(dir.set_times(path, atime, mtime)?)
    } else {
        Ok(dir.set_symlink_times(path, atime, mtime)?)
    }
}
