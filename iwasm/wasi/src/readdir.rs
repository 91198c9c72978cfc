//! `fd_readdir`: a directory's entries as `dirent` records, resumable by cookie.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::DirEntryExt;

use cap_std::fs::{Dir, MetadataExt};

use super::errno::Errno;
use super::memory::{write_bytes, write_u32};
use super::rights::FD_READDIR;
use super::stat::{filetype, filetype_of};
use super::{Args, WasiCtx};

/// One directory entry: name, inode and WASI file type.
type Entry = (Vec<u8>, u64, u8);

/// `.` and `..`, then the entries sorted by name: a stable order, so that the cookie of an
/// entry (its index plus one) resumes right after it while the directory is unchanged.
fn entries(dir: &Dir) -> Result<Vec<Entry>, Errno> {
    let self_ino = dir.dir_metadata()?.ino();
    // `..` of a preopen is outside the sandbox: its inode is not told.
    let parent_ino = dir.metadata("..").map_or(0, |m| m.ino());
    let mut rest = Vec::new();
    for entry in dir.entries()? {
        let entry = entry?;
        let ty = entry.file_type().map_or(filetype::UNKNOWN, filetype_of);
        rest.push((entry.file_name().as_bytes().to_vec(), entry.ino(), ty));
    }
    rest.sort();
    let mut all = vec![
        (b".".to_vec(), self_ino, filetype::DIRECTORY),
        (b"..".to_vec(), parent_ino, filetype::DIRECTORY),
    ];
    all.extend(rest);
    Ok(all)
}

/// `fd_readdir(fd, buf, buf_len, cookie, bufused)`: as many entries from `cookie` on as fit,
/// the last one cut off at the end of the buffer (a full buffer tells the guest to ask again).
pub fn fd_readdir(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let dir = ctx.fds.get(a.u32(0))?.dir(FD_READDIR)?;
    let (buf, buf_len, cookie) = (a.u32(1), a.u32(2) as usize, a.u64(3));
    let mut out = Vec::new();
    let skip = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, (name, ino, ty)) in entries(dir)?.iter().enumerate().skip(skip) {
        let name_len = u32::try_from(name.len()).map_err(|_| Errno::NAMETOOLONG)?;
        out.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        out.extend_from_slice(&ino.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&[*ty, 0, 0, 0]);
        out.extend_from_slice(name);
        if out.len() >= buf_len {
            break;
        }
    }
    out.truncate(buf_len);
    write_bytes(mem, buf, &out)?;
    // `out` is at most `buf_len`, a u32.
    write_u32(mem, a.u32(4), out.len() as u32)
}
