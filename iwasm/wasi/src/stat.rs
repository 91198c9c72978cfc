//! File metadata for the guest: `filetype`, the `filestat` record, and the times that
//! `*_filestat_set_times` set (with their `fstflags` validated).

use cap_std::fs::{FileType, FileTypeExt, Metadata, MetadataExt};
use cap_std::time::SystemTime;

use super::errno::Errno;

/// WASI `filetype` values.
pub mod filetype {
    /// Not known (e.g. stdio that is not a terminal).
    pub const UNKNOWN: u8 = 0;
    /// A block device.
    pub const BLOCK_DEVICE: u8 = 1;
    /// A character device (e.g. a terminal).
    pub const CHARACTER_DEVICE: u8 = 2;
    /// A directory.
    pub const DIRECTORY: u8 = 3;
    /// A regular file.
    pub const REGULAR_FILE: u8 = 4;
    /// A stream socket.
    pub const SOCKET_STREAM: u8 = 6;
    /// A symbolic link.
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// The WASI file type of a host file type.
pub fn filetype_of(t: FileType) -> u8 {
    if t.is_dir() {
        filetype::DIRECTORY
    } else if t.is_file() {
        filetype::REGULAR_FILE
    } else if t.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if t.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if t.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if t.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

/// The WASI `filestat` record (64 bytes) of host metadata.
pub fn filestat(m: &Metadata) -> [u8; 64] {
    let ns = |s: i64, n: i64| {
        (s.max(0) as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(n.max(0) as u64)
    };
    let mut st = [0u8; 64];
    st[0..8].copy_from_slice(&m.dev().to_le_bytes());
    st[8..16].copy_from_slice(&m.ino().to_le_bytes());
    st[16] = filetype_of(m.file_type());
    st[24..32].copy_from_slice(&m.nlink().to_le_bytes());
    st[32..40].copy_from_slice(&m.size().to_le_bytes());
    st[40..48].copy_from_slice(&ns(m.atime(), m.atime_nsec()).to_le_bytes());
    st[48..56].copy_from_slice(&ns(m.mtime(), m.mtime_nsec()).to_le_bytes());
    st[56..64].copy_from_slice(&ns(m.ctime(), m.ctime_nsec()).to_le_bytes());
    st
}

/// `fstflags` bits.
const ATIM: u32 = 1;
const ATIM_NOW: u32 = 2;
const MTIM: u32 = 4;
const MTIM_NOW: u32 = 8;

/// The access and modification times to set (`None`: leave unchanged) from WASI `atim`,
/// `mtim` and `fst_flags`. Unknown flags, or a time both given and `_NOW`, are `EINVAL`.
pub fn times(
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> Result<(Option<SystemTime>, Option<SystemTime>), Errno> {
    if fst_flags & !(ATIM | ATIM_NOW | MTIM | MTIM_NOW) != 0 {
        return Err(Errno::INVAL);
    }
    let pick = |set: u32, now: u32, t: u64| match (fst_flags & set != 0, fst_flags & now != 0) {
        (true, true) => Err(Errno::INVAL),
        (false, true) => Ok(Some(std::time::SystemTime::now())),
        (true, false) => Ok(Some(
            std::time::UNIX_EPOCH + std::time::Duration::from_nanos(t),
        )),
        (false, false) => Ok(None),
    };
    let atime = pick(ATIM, ATIM_NOW, atim)?.map(SystemTime::from_std);
    let mtime = pick(MTIM, MTIM_NOW, mtim)?.map(SystemTime::from_std);
    Ok((atime, mtime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fstflags_are_validated() {
        assert_eq!(times(0, 0, 0), Ok((None, None)));
        assert_eq!(times(1, 2, ATIM | ATIM_NOW), Err(Errno::INVAL));
        assert_eq!(times(1, 2, MTIM | MTIM_NOW), Err(Errno::INVAL));
        assert_eq!(times(1, 2, 16), Err(Errno::INVAL));
        assert_eq!(times(1, u64::MAX, MTIM).map(|t| t.0), Ok(None));
    }
}
