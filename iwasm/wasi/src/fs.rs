//! The `path_*` functions. Every path is resolved by cap-std relative to a directory fd, so
//! the guest cannot leave its preopened directories (`..`, absolute paths and symlinks
//! pointing outside all fail with `ENOTCAPABLE`, checked and opened race-free).

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
use cap_std::fs::{Dir, OpenOptions};

use super::errno::Errno;
use super::fd::{fdflags, rights, write_filestat, Descriptor, Kind};
use super::memory::{read_str, write_bytes, write_u32};
use super::{Args, WasiCtx};

/// `lookupflags`: follow a final symlink.
const SYMLINK_FOLLOW: u32 = 1;

/// `oflags` bits.
const O_CREAT: u32 = 1;
const O_DIRECTORY: u32 = 2;
const O_EXCL: u32 = 4;
const O_TRUNC: u32 = 8;

/// The directory fd `fd` and the guest path at `(ptr, len)`.
fn dir_and_path<'a>(
    ctx: &'a WasiCtx,
    mem: &'a [u8],
    fd: u32,
    ptr: u32,
    len: u32,
) -> Result<(&'a Dir, &'a str), Errno> {
    let dir = ctx.fds.get(fd)?.dir()?;
    let path = read_str(mem, ptr, len)?;
    Ok((dir, path))
}

/// `path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags,
/// opened_fd)`.
pub fn path_open(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (fd, dirflags, oflags) = (a.u32(0), a.u32(1), a.u32(4));
    let (want_base, want_inheriting, flags) = (a.u64(5), a.u64(6), a.u32(7) as u16);
    let (dir, path) = dir_and_path(ctx, mem, fd, a.u32(2), a.u32(3))?;
    let parent = ctx.fds.get(fd)?;
    let follow = if dirflags & SYMLINK_FOLLOW != 0 {
        FollowSymlinks::Yes
    } else {
        FollowSymlinks::No
    };
    let kind = if oflags & O_DIRECTORY != 0 {
        if oflags & (O_CREAT | O_EXCL | O_TRUNC) != 0 {
            return Err(Errno::INVAL);
        }
        Kind::Dir(match follow {
            FollowSymlinks::Yes => dir.open_dir(path)?,
            FollowSymlinks::No => dir.open_dir_nofollow(path)?,
        })
    } else {
        let mut read = want_base & (rights::FD_READ | rights::FD_READDIR) != 0;
        let mut write = want_base
            & (rights::FD_WRITE | rights::FD_ALLOCATE | rights::FD_FILESTAT_SET_SIZE)
            != 0;
        if oflags & (O_CREAT | O_TRUNC) != 0 {
            write = true;
        }
        if !read && !write {
            read = true;
        }
        let mut opts = OpenOptions::new();
        opts.read(read)
            .write(write)
            .append(flags & fdflags::APPEND != 0)
            .create(oflags & O_CREAT != 0)
            .create_new(oflags & O_CREAT != 0 && oflags & O_EXCL != 0)
            .truncate(oflags & O_TRUNC != 0)
            .follow(follow)
            .maybe_dir(true);
        let file = dir.open_with(path, &opts)?.into_std();
        if file.metadata()?.is_dir() {
            Kind::Dir(Dir::from_std_file(file))
        } else {
            Kind::File(file)
        }
    };
    let (base_mask, inheriting) = match kind {
        Kind::Dir(_) => (rights::DIR, parent.rights_inheriting),
        _ => (rights::FILE, parent.rights_inheriting),
    };
    let descriptor = Descriptor {
        kind,
        preopen: None,
        rights_base: want_base & base_mask & parent.rights_inheriting,
        rights_inheriting: want_inheriting & inheriting,
        flags,
    };
    let new_fd = ctx.fds.insert_from(3, descriptor);
    write_u32(mem, a.u32(8), new_fd)
}

/// `path_create_directory(fd, path, path_len)`.
pub fn path_create_directory(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), a.u32(1), a.u32(2))?;
    Ok(dir.create_dir(path)?)
}

/// `path_remove_directory(fd, path, path_len)`.
pub fn path_remove_directory(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), a.u32(1), a.u32(2))?;
    Ok(dir.remove_dir(path)?)
}

/// `path_unlink_file(fd, path, path_len)`: removes a file or a symlink (never its target).
pub fn path_unlink_file(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), a.u32(1), a.u32(2))?;
    Ok(dir.remove_file_or_symlink(path)?)
}

/// `path_rename(fd, old_path, old_len, new_fd, new_path, new_len)`.
pub fn path_rename(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (from_dir, from) = dir_and_path(ctx, mem, a.u32(0), a.u32(1), a.u32(2))?;
    let (to_dir, to) = dir_and_path(ctx, mem, a.u32(3), a.u32(4), a.u32(5))?;
    Ok(from_dir.rename(from, to_dir, to)?)
}

/// `path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len)`.
pub fn path_link(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (from_dir, from) = dir_and_path(ctx, mem, a.u32(0), a.u32(2), a.u32(3))?;
    let (to_dir, to) = dir_and_path(ctx, mem, a.u32(4), a.u32(5), a.u32(6))?;
    Ok(from_dir.hard_link(from, to_dir, to)?)
}

/// `path_symlink(old_path, old_len, fd, new_path, new_len)`: the link's contents are not
/// checked here; following it later is (a link pointing outside leads nowhere).
pub fn path_symlink(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let target = read_str(mem, a.u32(0), a.u32(1))?;
    let (dir, link) = dir_and_path(ctx, mem, a.u32(2), a.u32(3), a.u32(4))?;
    Ok(DirExt::symlink(dir, target, link)?)
}

/// `path_readlink(fd, path, path_len, buf, buf_len, bufused)`: the contents, truncated to the
/// buffer.
pub fn path_readlink(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), a.u32(1), a.u32(2))?;
    let target = dir.read_link_contents(path)?;
    use std::os::unix::ffi::OsStrExt;
    let bytes = target.as_os_str().as_bytes();
    let n = bytes.len().min(a.u32(4) as usize);
    let bytes = bytes[..n].to_vec();
    write_bytes(mem, a.u32(3), &bytes)?;
    write_u32(mem, a.u32(5), n as u32)
}

/// `path_filestat_get(fd, flags, path, path_len, filestat)`.
pub fn path_filestat_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), a.u32(2), a.u32(3))?;
    let meta = if a.u32(1) & SYMLINK_FOLLOW != 0 {
        dir.metadata(path)?
    } else {
        dir.symlink_metadata(path)?
    };
    write_filestat(mem, a.u32(4), &meta)
}

/// `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)`.
pub fn path_filestat_set_times(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (dir, path) = dir_and_path(ctx, mem, a.u32(0), a.u32(2), a.u32(3))?;
    let (atime, mtime) = super::fd::times(a.u64(4), a.u64(5), a.u32(6))?;
    let spec = |t: Option<cap_std::time::SystemTime>| t.map(cap_fs_ext::SystemTimeSpec::Absolute);
    if a.u32(1) & SYMLINK_FOLLOW != 0 {
        Ok(dir.set_times(path, spec(atime), spec(mtime))?)
    } else {
        Ok(dir.set_symlink_times(path, spec(atime), spec(mtime))?)
    }
}
