//! Files: reading, writing, offsets, sizes, times, flags and access modes.

use crate::{assert_errno, create_file};

unsafe fn write(fd: wasi::Fd, data: &[u8]) -> usize {
    let ciovec = wasi::Ciovec {
        buf: data.as_ptr(),
        buf_len: data.len(),
    };
    wasi::fd_write(fd, &[ciovec]).expect("writing to a file")
}

unsafe fn read(fd: wasi::Fd, buf: &mut [u8]) -> usize {
    let iovec = wasi::Iovec {
        buf: buf.as_mut_ptr(),
        buf_len: buf.len(),
    };
    wasi::fd_read(fd, &[iovec]).expect("reading a file")
}

unsafe fn size(fd: wasi::Fd) -> u64 {
    wasi::fd_filestat_get(fd).expect("fd_filestat_get").size
}

pub unsafe fn fd_advise(dir_fd: wasi::Fd, _: &[String]) {
    let rights = wasi::RIGHTS_FD_READ
        | wasi::RIGHTS_FD_WRITE
        | wasi::RIGHTS_FD_ADVISE
        | wasi::RIGHTS_FD_FILESTAT_GET
        | wasi::RIGHTS_FD_FILESTAT_SET_SIZE
        | wasi::RIGHTS_FD_ALLOCATE;
    let fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_CREAT, rights, 0, 0).expect("open");
    assert_eq!(size(fd), 0);
    wasi::fd_filestat_set_size(fd, 100).expect("setting size");
    assert_eq!(size(fd), 100);
    wasi::fd_advise(fd, 10, 50, wasi::ADVICE_NORMAL).expect("failed advise");
    assert_eq!(size(fd), 100, "advice does not change the size");
    let bad_advice = wasi::wasi_snapshot_preview1::fd_advise(fd as i32, 10, 50, 6);
    assert_eq!(bad_advice, wasi::ERRNO_INVAL.raw() as i32, "bad advice");
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn fd_filestat_set(dir_fd: wasi::Fd, _: &[String]) {
    let rights = wasi::RIGHTS_FD_READ
        | wasi::RIGHTS_FD_WRITE
        | wasi::RIGHTS_FD_FILESTAT_GET
        | wasi::RIGHTS_FD_FILESTAT_SET_SIZE
        | wasi::RIGHTS_FD_FILESTAT_SET_TIMES;
    let fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_CREAT, rights, 0, 0).expect("open");
    assert_eq!(size(fd), 0);
    wasi::fd_filestat_set_size(fd, 100).expect("fd_filestat_set_size");
    let stat = wasi::fd_filestat_get(fd).expect("filestat");
    assert_eq!(stat.size, 100);
    let old_atim = stat.atim;
    let new_mtim = stat.mtim - 100;
    wasi::fd_filestat_set_times(fd, new_mtim, new_mtim, wasi::FSTFLAGS_MTIM)
        .expect("fd_filestat_set_times");
    let stat = wasi::fd_filestat_get(fd).expect("filestat");
    assert_eq!(stat.size, 100, "size unchanged");
    assert_eq!(stat.mtim, new_mtim, "mtim changed");
    assert_eq!(stat.atim, old_atim, "atim unchanged");
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn fstflags_validate(dir_fd: wasi::Fd, _: &[String]) {
    let rights = wasi::RIGHTS_FD_FILESTAT_SET_TIMES;
    let fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_CREAT, rights, 0, 0).expect("open");
    let both_a = wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_ATIM_NOW;
    let both_m = wasi::FSTFLAGS_MTIM | wasi::FSTFLAGS_MTIM_NOW;
    for flags in [both_a, both_m, 1 << 4, 0xffff] {
        assert_errno!(
            wasi::fd_filestat_set_times(fd, 100, 200, flags).expect_err("bad fstflags"),
            wasi::ERRNO_INVAL
        );
        assert_errno!(
            wasi::path_filestat_set_times(dir_fd, 0, "file", 100, 200, flags)
                .expect_err("bad fstflags"),
            wasi::ERRNO_INVAL
        );
    }
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn fd_flags_set(dir_fd: wasi::Fd, _: &[String]) {
    let rights = wasi::RIGHTS_FD_READ
        | wasi::RIGHTS_FD_WRITE
        | wasi::RIGHTS_FD_SEEK
        | wasi::RIGHTS_FD_TELL
        | wasi::RIGHTS_FD_FDSTAT_SET_FLAGS;
    let fd = wasi::path_open(
        dir_fd,
        0,
        "file",
        wasi::OFLAGS_CREAT,
        rights,
        0,
        wasi::FDFLAGS_APPEND,
    )
    .expect("opening a file");
    let mut buffer = [0u8; 100];
    assert_eq!(write(fd, &[0u8; 100]), 100);
    wasi::fd_seek(fd, 0, wasi::WHENCE_SET).expect("seek");
    assert_eq!(read(fd, &mut buffer), 100);
    assert_eq!(buffer, [0u8; 100]);
    // Append mode: the write goes to the end, not to the offset.
    wasi::fd_seek(fd, 0, wasi::WHENCE_SET).expect("seek");
    assert_eq!(write(fd, &[1u8; 100]), 100);
    wasi::fd_seek(fd, 100, wasi::WHENCE_SET).expect("seek");
    assert_eq!(read(fd, &mut buffer), 100);
    assert_eq!(buffer, [1u8; 100]);
    let stat = wasi::fd_fdstat_get(fd).expect("fdstat");
    assert_eq!(stat.fs_flags, wasi::FDFLAGS_APPEND);
    // Append mode off: overwrite at the offset.
    wasi::fd_fdstat_set_flags(fd, 0).expect("disabling flags");
    assert_eq!(wasi::fd_fdstat_get(fd).expect("fdstat").fs_flags, 0);
    wasi::fd_seek(fd, 0, wasi::WHENCE_SET).expect("seek");
    assert_eq!(write(fd, &[2u8; 100]), 100);
    wasi::fd_seek(fd, 0, wasi::WHENCE_SET).expect("seek");
    assert_eq!(read(fd, &mut buffer), 100);
    assert_eq!(buffer, [2u8; 100]);
    // Unknown flags are refused.
    assert_errno!(
        wasi::fd_fdstat_set_flags(fd, 1 << 5).expect_err("unknown flag"),
        wasi::ERRNO_INVAL
    );
    wasi::fd_close(fd).expect("close");
    let stat = wasi::path_filestat_get(dir_fd, 0, "file").expect("stat path");
    assert_eq!(stat.size, 200, "expected a file size of 200");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn file_allocate(dir_fd: wasi::Fd, _: &[String]) {
    let rights = wasi::RIGHTS_FD_READ
        | wasi::RIGHTS_FD_WRITE
        | wasi::RIGHTS_FD_ALLOCATE
        | wasi::RIGHTS_FD_FILESTAT_GET;
    let fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_CREAT, rights, 0, 0).expect("open");
    assert_eq!(size(fd), 0);
    wasi::fd_allocate(fd, 0, 100).expect("allocating size");
    assert_eq!(size(fd), 100);
    wasi::fd_allocate(fd, 10, 10).expect("allocating within the size");
    assert_eq!(size(fd), 100, "unchanged");
    wasi::fd_allocate(fd, 90, 20).expect("allocating past the size");
    assert_eq!(size(fd), 110, "grown from 100 to 110");
    wasi::fd_close(fd).expect("close");
    // Without the right: refused.
    let fd = wasi::path_open(dir_fd, 0, "file", 0, wasi::RIGHTS_FD_WRITE, 0, 0).expect("open");
    assert_errno!(
        wasi::fd_allocate(fd, 0, 200).expect_err("allocate"),
        wasi::ERRNO_NOTCAPABLE
    );
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn file_pread_pwrite(dir_fd: wasi::Fd, _: &[String]) {
    let rights = wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_SEEK | wasi::RIGHTS_FD_WRITE;
    let fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_CREAT, rights, 0, 0).expect("open");
    let contents = [0u8, 1, 2, 3];
    let ciovec = wasi::Ciovec {
        buf: contents.as_ptr(),
        buf_len: contents.len(),
    };
    assert_eq!(wasi::fd_pwrite(fd, &[ciovec], 0).expect("pwrite at 0"), 4);
    let mut buf = [0u8; 4];
    let iovec = wasi::Iovec {
        buf: buf.as_mut_ptr(),
        buf_len: buf.len(),
    };
    assert_eq!(wasi::fd_pread(fd, &[iovec], 0).expect("pread at 0"), 4);
    assert_eq!(buf, [0, 1, 2, 3]);
    // Several iovecs.
    let (mut a, mut b) = ([0u8; 2], [0u8; 2]);
    let iovecs = [
        wasi::Iovec {
            buf: a.as_mut_ptr(),
            buf_len: 2,
        },
        wasi::Iovec {
            buf: b.as_mut_ptr(),
            buf_len: 2,
        },
    ];
    assert_eq!(wasi::fd_pread(fd, &iovecs, 0).expect("pread iovecs"), 4);
    assert_eq!((a, b), ([0, 1], [2, 3]));
    // Past part of the end.
    let mut buf = [0u8; 4];
    let iovec = wasi::Iovec {
        buf: buf.as_mut_ptr(),
        buf_len: buf.len(),
    };
    assert_eq!(wasi::fd_pread(fd, &[iovec], 2).expect("pread at 2"), 2);
    assert_eq!(buf, [2, 3, 0, 0]);
    let contents = [1u8, 0];
    let ciovec = wasi::Ciovec {
        buf: contents.as_ptr(),
        buf_len: contents.len(),
    };
    assert_eq!(wasi::fd_pwrite(fd, &[ciovec], 2).expect("pwrite at 2"), 2);
    let mut buf = [0u8; 4];
    let iovec = wasi::Iovec {
        buf: buf.as_mut_ptr(),
        buf_len: buf.len(),
    };
    assert_eq!(wasi::fd_pread(fd, &[iovec], 0).expect("pread at 0"), 4);
    assert_eq!(buf, [0, 1, 1, 0]);
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");

    // pwrite leaves the offset alone, and an empty one past the end changes nothing.
    let rights = rights | wasi::RIGHTS_FD_TELL | wasi::RIGHTS_FD_FILESTAT_GET;
    let fd = wasi::path_open(dir_fd, 0, "file2", wasi::OFLAGS_CREAT, rights, 0, 0).expect("open");
    assert_eq!(wasi::fd_tell(fd).expect("tell"), 0);
    let empty = wasi::Ciovec {
        buf: [].as_ptr(),
        buf_len: 0,
    };
    assert_eq!(wasi::fd_pwrite(fd, &[empty], 50).expect("empty pwrite"), 0);
    assert_eq!(wasi::fd_tell(fd).expect("tell"), 0);
    assert_eq!(size(fd), 0);
    let one = [0u8];
    let ciovec = wasi::Ciovec {
        buf: one.as_ptr(),
        buf_len: 1,
    };
    assert_eq!(wasi::fd_pwrite(fd, &[ciovec], 50).expect("pwrite at 50"), 1);
    assert_eq!(wasi::fd_tell(fd).expect("tell"), 0);
    assert_eq!(size(fd), 51);
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file2").expect("unlink");

    // Without FD_SEEK: no positional I/O.
    create_file(dir_fd, "file3");
    let fd = wasi::path_open(dir_fd, 0, "file3", 0, wasi::RIGHTS_FD_READ, 0, 0).expect("open");
    wasi::fd_fdstat_set_rights(fd, wasi::RIGHTS_FD_READ, 0).expect("shrink");
    let iovec = wasi::Iovec {
        buf: buf.as_mut_ptr(),
        buf_len: buf.len(),
    };
    assert_errno!(
        wasi::fd_pread(fd, &[iovec], 0).expect_err("pread"),
        wasi::ERRNO_NOTCAPABLE
    );
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file3").expect("unlink");
}

pub unsafe fn file_seek_tell(dir_fd: wasi::Fd, _: &[String]) {
    let rights =
        wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE | wasi::RIGHTS_FD_SEEK | wasi::RIGHTS_FD_TELL;
    let fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_CREAT, rights, 0, 0).expect("open");
    assert_eq!(wasi::fd_tell(fd).expect("tell"), 0);
    assert_eq!(write(fd, &[0u8; 100]), 100);
    assert_eq!(wasi::fd_tell(fd).expect("tell"), 100);
    assert_eq!(wasi::fd_seek(fd, -50, wasi::WHENCE_CUR).expect("seek"), 50);
    assert_eq!(wasi::fd_seek(fd, 0, wasi::WHENCE_SET).expect("seek"), 0);
    wasi::fd_seek(fd, 1000, wasi::WHENCE_CUR).expect("seeking beyond the end");
    assert_errno!(
        wasi::fd_seek(fd, -2000, wasi::WHENCE_CUR).expect_err("seeking before byte 0"),
        wasi::ERRNO_INVAL
    );
    let mut new_offset = 0u64;
    let bad_whence =
        wasi::wasi_snapshot_preview1::fd_seek(fd as i32, 0, 3, &mut new_offset as *mut u64 as i32);
    assert_eq!(bad_whence, wasi::ERRNO_INVAL.raw() as i32, "bad whence");
    wasi::fd_seek(fd, 0, wasi::WHENCE_SET).expect("seek");
    let mut buffer = [0u8; 100];
    assert_eq!(read(fd, &mut buffer), 100);
    assert_eq!(wasi::fd_tell(fd).expect("tell"), 100);
    assert_eq!(
        wasi::fd_seek(fd, -10, wasi::WHENCE_END).expect("seek from the end"),
        90
    );
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn file_truncation(dir_fd: wasi::Fd, _: &[String]) {
    let fd = wasi::path_open(
        dir_fd,
        0,
        "test.txt",
        wasi::OFLAGS_CREAT,
        wasi::RIGHTS_FD_WRITE,
        0,
        0,
    )
    .expect("creating a file for writing");
    let content = b"this content will be truncated!";
    assert_eq!(write(fd, content), content.len());
    wasi::fd_close(fd).expect("close");
    let fd = wasi::path_open(
        dir_fd,
        0,
        "test.txt",
        wasi::OFLAGS_CREAT | wasi::OFLAGS_TRUNC,
        wasi::RIGHTS_FD_WRITE | wasi::RIGHTS_FD_READ,
        0,
        0,
    )
    .expect("creating a truncated file for reading");
    let mut buffer = [0u8; 100];
    assert_eq!(read(fd, &mut buffer), 0, "empty after truncation");
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "test.txt").expect("unlink");
}

pub unsafe fn file_unbuffered_write(dir_fd: wasi::Fd, _: &[String]) {
    let fd_read = wasi::path_open(
        dir_fd,
        0,
        "file",
        wasi::OFLAGS_CREAT,
        wasi::RIGHTS_FD_READ,
        0,
        0,
    )
    .expect("create and open file for reading");
    let fd_write = wasi::path_open(dir_fd, 0, "file", 0, wasi::RIGHTS_FD_WRITE, 0, 0)
        .expect("open for writing");
    assert_eq!(write(fd_write, &[1u8]), 1);
    let mut contents = [0u8; 1];
    assert_eq!(read(fd_read, &mut contents), 1);
    assert_eq!(contents, [1u8]);
    wasi::fd_close(fd_read).expect("close");
    wasi::fd_close(fd_write).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn path_open_read_write(dir_fd: wasi::Fd, _: &[String]) {
    create_file(dir_fd, "file");
    let mut buffer = [0u8; 100];
    let write_buffer = [1u8; 50];

    let f = wasi::path_open(dir_fd, 0, "file", 0, wasi::RIGHTS_FD_READ, 0, 0).expect("readonly");
    let stat = wasi::fd_fdstat_get(f).expect("fdstat");
    assert_eq!(
        stat.fs_rights_base & wasi::RIGHTS_FD_READ,
        wasi::RIGHTS_FD_READ
    );
    assert_eq!(stat.fs_rights_base & wasi::RIGHTS_FD_WRITE, 0);
    assert_eq!(read(f, &mut buffer), 0, "readonly file is empty");
    let ciovec = wasi::Ciovec {
        buf: write_buffer.as_ptr(),
        buf_len: write_buffer.len(),
    };
    assert_errno!(
        wasi::fd_write(f, &[ciovec]).expect_err("write of readonly fails"),
        wasi::ERRNO_PERM,
        wasi::ERRNO_BADF
    );
    wasi::fd_close(f).expect("close");

    let f = wasi::path_open(dir_fd, 0, "file", 0, wasi::RIGHTS_FD_WRITE, 0, 0).expect("writeonly");
    let stat = wasi::fd_fdstat_get(f).expect("fdstat");
    assert_eq!(stat.fs_rights_base & wasi::RIGHTS_FD_READ, 0);
    assert_eq!(
        stat.fs_rights_base & wasi::RIGHTS_FD_WRITE,
        wasi::RIGHTS_FD_WRITE
    );
    let iovec = wasi::Iovec {
        buf: buffer.as_mut_ptr(),
        buf_len: buffer.len(),
    };
    assert_errno!(
        wasi::fd_read(f, &[iovec]).expect_err("read of writeonly fails"),
        wasi::ERRNO_PERM,
        wasi::ERRNO_BADF
    );
    assert_eq!(write(f, &write_buffer), write_buffer.len());
    wasi::fd_close(f).expect("close");

    let rw = wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE;
    let f = wasi::path_open(dir_fd, 0, "file", 0, rw, 0, 0).expect("readwrite");
    let stat = wasi::fd_fdstat_get(f).expect("fdstat");
    assert_eq!(stat.fs_rights_base & rw, rw);
    assert_eq!(
        read(f, &mut buffer),
        write_buffer.len(),
        "the bytes written before"
    );
    assert_eq!(write(f, &write_buffer), write_buffer.len());
    wasi::fd_close(f).expect("close");
    let stat = wasi::path_filestat_get(dir_fd, 0, "file").expect("stat");
    assert_eq!(stat.size, 100);
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn path_open_lots(dir_fd: wasi::Fd, _: &[String]) {
    create_file(dir_fd, "file");
    let mut buffer = [0u8; 100];
    for positional in [false, true] {
        for _ in 0..2000 {
            let fd = wasi::path_open(dir_fd, 0, "file", 0, wasi::RIGHTS_FD_READ, 0, 0)
                .expect("open file readonly");
            let iovec = wasi::Iovec {
                buf: buffer.as_mut_ptr(),
                buf_len: buffer.len(),
            };
            let nread = if positional {
                wasi::fd_pread(fd, &[iovec], 0).expect("pread")
            } else {
                wasi::fd_read(fd, &[iovec]).expect("read")
            };
            assert_eq!(nread, 0, "the file is empty");
            wasi::fd_close(fd).expect("close");
        }
    }
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}
