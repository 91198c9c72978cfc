//! Descriptors: preopens, renumbering, rights, directories as fds, listing.

use crate::{assert_errno, create_file};

const FIRST_PREOPEN: wasi::Fd = 3;

pub unsafe fn close_preopen(dir_fd: wasi::Fd, _: &[String]) {
    assert!(dir_fd > FIRST_PREOPEN, "dir_fd number");
    // Closing a preopened directory handle works...
    wasi::fd_close(FIRST_PREOPEN).expect("closing a preopened file descriptor");
    // ...and the directory opened through it is still open.
    let stat = wasi::fd_fdstat_get(dir_fd).expect("failed fd_fdstat_get");
    assert_eq!(
        stat.fs_filetype,
        wasi::FILETYPE_DIRECTORY,
        "expected a directory"
    );
}

pub unsafe fn overwrite_preopen(dir_fd: wasi::Fd, _: &[String]) {
    assert!(dir_fd > FIRST_PREOPEN, "dir_fd number");
    let old = wasi::fd_filestat_get(dir_fd).expect("failed fd_filestat_get");
    // Renumbering over a preopened directory handle works.
    wasi::fd_renumber(dir_fd, FIRST_PREOPEN).expect("renumbering over a preopen");
    let new = wasi::fd_filestat_get(FIRST_PREOPEN).expect("failed fd_filestat_get");
    assert_eq!(old.dev, new.dev);
    assert_eq!(old.ino, new.ino);
    assert_errno!(
        wasi::fd_fdstat_get(dir_fd).expect_err("the old number is closed"),
        wasi::ERRNO_BADF
    );
}

pub unsafe fn path_open_preopen(_: wasi::Fd, _: &[String]) {
    let prestat = wasi::fd_prestat_get(FIRST_PREOPEN).expect("fd 3 is a preopen");
    assert_eq!(
        prestat.tag,
        wasi::PREOPENTYPE_DIR.raw(),
        "prestat is a directory"
    );
    let stat = wasi::fd_fdstat_get(FIRST_PREOPEN).expect("get fdstat");
    let (base, inheriting) = (stat.fs_rights_base, stat.fs_rights_inheriting);
    for (path, oflags) in [
        (".", wasi::OFLAGS_DIRECTORY),
        ("./", wasi::OFLAGS_DIRECTORY),
        (".", 0),
        ("./", 0),
    ] {
        let fd = wasi::path_open(FIRST_PREOPEN, 0, path, oflags, base, inheriting, 0)
            .unwrap_or_else(|e| panic!("open {path:?} with oflags {oflags}: {e}"));
        let stat = wasi::fd_fdstat_get(fd).expect("fdstat of the opened directory");
        assert_eq!(stat.fs_filetype, wasi::FILETYPE_DIRECTORY);
        wasi::fd_close(fd).expect("close");
    }
    // A directory is never opened for writing.
    let rights = wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE;
    assert_errno!(
        wasi::path_open(FIRST_PREOPEN, 0, ".", wasi::OFLAGS_DIRECTORY, rights, 0, 0)
            .expect_err("opening a directory read/write"),
        wasi::ERRNO_ISDIR
    );
}

pub unsafe fn renumber(dir_fd: wasi::Fd, _: &[String]) {
    let rights = wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE;
    let fd_from =
        wasi::path_open(dir_fd, 0, "file1", wasi::OFLAGS_CREAT, rights, 0, 0).expect("open");
    let fdstat_from = wasi::fd_fdstat_get(fd_from).expect("fdstat");
    let fd_to =
        wasi::path_open(dir_fd, 0, "file2", wasi::OFLAGS_CREAT, rights, 0, 0).expect("open");
    wasi::fd_renumber(fd_from, fd_to).expect("renumbering two descriptors");
    assert_errno!(
        wasi::fd_close(fd_from).expect_err("closing an already closed fd"),
        wasi::ERRNO_BADF
    );
    let fdstat_to = wasi::fd_fdstat_get(fd_to).expect("fdstat");
    assert_eq!(fdstat_from.fs_filetype, fdstat_to.fs_filetype);
    assert_eq!(fdstat_from.fs_flags, fdstat_to.fs_flags);
    assert_eq!(fdstat_from.fs_rights_base, fdstat_to.fs_rights_base);
    assert_eq!(
        fdstat_from.fs_rights_inheriting,
        fdstat_to.fs_rights_inheriting
    );
    // Renumbering a closed fd fails; onto itself works.
    assert_errno!(
        wasi::fd_renumber(fd_from, fd_to).expect_err("renumbering a closed fd"),
        wasi::ERRNO_BADF
    );
    wasi::fd_renumber(fd_to, fd_to).expect("renumbering onto itself");
    wasi::fd_close(fd_to).expect("closing a file");
    wasi::path_unlink_file(dir_fd, "file1").expect("unlink");
    wasi::path_unlink_file(dir_fd, "file2").expect("unlink");
}

pub unsafe fn dangling_fd(dir_fd: wasi::Fd, _: &[String]) {
    // A file opened, unlinked while open, then created again.
    create_file(dir_fd, "file");
    let file_fd = wasi::path_open(dir_fd, 0, "file", 0, 0, 0, 0).expect("failed to open");
    assert!(file_fd > 2);
    wasi::path_unlink_file(dir_fd, "file").expect("failed to unlink");
    create_file(dir_fd, "file");
    wasi::fd_close(file_fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("failed to unlink");
    // The same with a directory.
    wasi::path_create_directory(dir_fd, "subdir").expect("failed to create dir");
    let subdir_fd =
        wasi::path_open(dir_fd, 0, "subdir", wasi::OFLAGS_DIRECTORY, 0, 0, 0).expect("open dir");
    assert!(subdir_fd > 2);
    wasi::path_remove_directory(dir_fd, "subdir").expect("failed to remove dir 2");
    wasi::path_create_directory(dir_fd, "subdir").expect("failed to create dir 2");
    wasi::fd_close(subdir_fd).expect("close");
    wasi::path_remove_directory(dir_fd, "subdir").expect("remove");
}

pub unsafe fn directory_seek(dir_fd: wasi::Fd, _: &[String]) {
    wasi::path_create_directory(dir_fd, "dir").expect("failed to make directory");
    // Asking for the right to seek on a directory is not an error...
    let fd = wasi::path_open(
        dir_fd,
        0,
        "dir",
        wasi::OFLAGS_DIRECTORY,
        wasi::RIGHTS_FD_SEEK,
        0,
        0,
    )
    .expect("failed to open dir");
    // ...but seeking is, and the right is not granted.
    assert_errno!(
        wasi::fd_seek(fd, 0, wasi::WHENCE_CUR).expect_err("seek on a directory"),
        wasi::ERRNO_BADF,
        wasi::ERRNO_NOTCAPABLE
    );
    let stat = wasi::fd_fdstat_get(fd).expect("failed to fdstat");
    assert_eq!(stat.fs_filetype, wasi::FILETYPE_DIRECTORY);
    assert_eq!(
        stat.fs_rights_base & wasi::RIGHTS_FD_SEEK,
        0,
        "no seek right on a directory"
    );
    wasi::fd_close(fd).expect("failed to close fd");
    wasi::path_remove_directory(dir_fd, "dir").expect("failed to remove dir");
}

pub unsafe fn dir_fd_op_failures(dir_fd: wasi::Fd, _: &[String]) {
    let stat = wasi::fd_filestat_get(dir_fd).expect("failed to fdstat");
    assert_eq!(stat.filetype, wasi::FILETYPE_DIRECTORY);
    let mut read_buf = vec![0u8; 128];
    let iovec = wasi::Iovec {
        buf: read_buf.as_mut_ptr(),
        buf_len: read_buf.len(),
    };
    assert_errno!(
        wasi::fd_read(dir_fd, &[iovec]).expect_err("fd_read"),
        wasi::ERRNO_BADF
    );
    assert_errno!(
        wasi::fd_pread(dir_fd, &[iovec], 0).expect_err("fd_pread"),
        wasi::ERRNO_BADF
    );
    let write_buf = vec![0u8; 128];
    let ciovec = wasi::Ciovec {
        buf: write_buf.as_ptr(),
        buf_len: write_buf.len(),
    };
    assert_errno!(
        wasi::fd_write(dir_fd, &[ciovec]).expect_err("fd_write"),
        wasi::ERRNO_BADF
    );
    assert_errno!(
        wasi::fd_pwrite(dir_fd, &[ciovec], 0).expect_err("fd_pwrite"),
        wasi::ERRNO_BADF
    );
    for whence in [wasi::WHENCE_CUR, wasi::WHENCE_SET, wasi::WHENCE_END] {
        assert_errno!(
            wasi::fd_seek(dir_fd, 0, whence).expect_err("fd_seek"),
            wasi::ERRNO_BADF
        );
    }
    assert_errno!(
        wasi::fd_tell(dir_fd).expect_err("fd_tell"),
        wasi::ERRNO_BADF
    );
    assert_errno!(
        wasi::fd_advise(dir_fd, 0, 0, wasi::ADVICE_SEQUENTIAL).expect_err("fd_advise"),
        wasi::ERRNO_BADF
    );
    assert_errno!(
        wasi::fd_allocate(dir_fd, 0, 0).expect_err("fd_allocate"),
        wasi::ERRNO_BADF
    );
    assert_errno!(
        wasi::fd_filestat_set_size(dir_fd, 0).expect_err("fd_filestat_set_size"),
        wasi::ERRNO_BADF
    );
    // Syncing a directory is fine.
    wasi::fd_sync(dir_fd).expect("fd_sync on a directory");
    wasi::fd_datasync(dir_fd).expect("fd_datasync on a directory");

    // Directory operations on a file: ENOTDIR.
    let file_fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_CREAT, 0, 0, 0).expect("open");
    let mut buf = [0u8; 64];
    assert_errno!(
        wasi::fd_readdir(file_fd, buf.as_mut_ptr(), buf.len(), 0).expect_err("fd_readdir"),
        wasi::ERRNO_NOTDIR
    );
    let not_dir = [
        wasi::path_open(file_fd, 0, "x", 0, 0, 0, 0).map(drop),
        wasi::path_create_directory(file_fd, "x"),
        wasi::path_remove_directory(file_fd, "x"),
        wasi::path_unlink_file(file_fd, "x"),
        wasi::path_filestat_get(file_fd, 0, "x").map(drop),
        wasi::path_filestat_set_times(file_fd, 0, "x", 0, 0, 0),
        wasi::path_symlink("y", file_fd, "x"),
        wasi::path_readlink(file_fd, "x", buf.as_mut_ptr(), buf.len()).map(drop),
        wasi::path_rename(file_fd, "x", dir_fd, "y"),
        wasi::path_link(dir_fd, 0, "file", file_fd, "y"),
    ];
    for result in not_dir {
        assert_errno!(
            result.expect_err("a path operation on a file"),
            wasi::ERRNO_NOTDIR
        );
    }
    wasi::fd_close(file_fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn truncation_rights(dir_fd: wasi::Fd, _: &[String]) {
    let file_fd = wasi::path_open(
        dir_fd,
        0,
        "file",
        wasi::OFLAGS_CREAT,
        wasi::RIGHTS_FD_WRITE,
        0,
        0,
    )
    .expect("creating a file for writing");
    wasi::fd_close(file_fd).expect("closing a file");

    let mut dir_fdstat = wasi::fd_fdstat_get(dir_fd).expect("fd_fdstat_get of the directory");
    assert_eq!(dir_fdstat.fs_filetype, wasi::FILETYPE_DIRECTORY);
    assert_eq!(dir_fdstat.fs_flags, 0, "no special flags");
    assert_eq!(
        dir_fdstat.fs_rights_base & wasi::RIGHTS_FD_FILESTAT_SET_SIZE,
        0,
        "directories shouldn't have the fd_filestat_set_size right",
    );
    assert_ne!(
        dir_fdstat.fs_rights_base & wasi::RIGHTS_PATH_FILESTAT_SET_SIZE,
        0,
        "the directory may set sizes through paths"
    );
    // Truncating works.
    let file_fd =
        wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_TRUNC, 0, 0, 0).expect("truncating a file");
    wasi::fd_close(file_fd).expect("closing a file");

    let mut rights_base = dir_fdstat.fs_rights_base;
    let mut rights_inheriting = dir_fdstat.fs_rights_inheriting;
    assert_ne!(rights_inheriting & wasi::RIGHTS_FD_FILESTAT_SET_SIZE, 0);
    rights_inheriting &= !wasi::RIGHTS_FD_FILESTAT_SET_SIZE;
    wasi::fd_fdstat_set_rights(dir_fd, rights_base, rights_inheriting)
        .expect("dropping the fd_filestat_set_size inheriting right on a directory");

    // Truncating through path_open does not need fd_filestat_set_size...
    let file_fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_TRUNC, 0, 0, 0)
        .expect("truncating a file without fd_filestat_set_size right");
    wasi::fd_close(file_fd).expect("closing a file");
    // ...but a file can no longer get it.
    assert_errno!(
        wasi::path_open(
            dir_fd,
            0,
            "file",
            0,
            wasi::RIGHTS_FD_FILESTAT_SET_SIZE,
            0,
            0
        )
        .expect_err("asking for a right the directory does not pass on"),
        wasi::ERRNO_NOTCAPABLE
    );

    rights_base &= !wasi::RIGHTS_PATH_FILESTAT_SET_SIZE;
    wasi::fd_fdstat_set_rights(dir_fd, rights_base, rights_inheriting)
        .expect("dropping the path_filestat_set_size base right on a directory");
    dir_fdstat = wasi::fd_fdstat_get(dir_fd).expect("reading the fdstat from a directory");
    assert_eq!(
        dir_fdstat.fs_rights_base & wasi::RIGHTS_PATH_FILESTAT_SET_SIZE,
        0
    );

    // Without path_filestat_set_size there is no truncating.
    assert_errno!(
        wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_TRUNC, 0, 0, 0)
            .expect_err("truncating a file without path_filestat_set_size right"),
        wasi::ERRNO_NOTCAPABLE
    );
    // Rights never grow back.
    assert_errno!(
        wasi::fd_fdstat_set_rights(dir_fd, rights_base | wasi::RIGHTS_PATH_FILESTAT_SET_SIZE, 0)
            .expect_err("adding a right"),
        wasi::ERRNO_NOTCAPABLE
    );
    wasi::path_unlink_file(dir_fd, "file").expect("removing a file");
}

pub unsafe fn fd_fdstat_set_rights(dir_fd: wasi::Fd, _: &[String]) {
    let rights = wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE | wasi::RIGHTS_FD_FILESTAT_SET_SIZE;
    let fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_CREAT, rights, 0, 0).expect("open");
    let stat = wasi::fd_fdstat_get(fd).expect("fdstat");
    assert_eq!(stat.fs_rights_base & rights, rights, "the rights asked for");
    let data = *b"0123456789";
    let ciovec = wasi::Ciovec {
        buf: data.as_ptr(),
        buf_len: data.len(),
    };
    assert_eq!(wasi::fd_write(fd, &[ciovec]).expect("write"), 10);

    // Drop the read and truncate rights: reading and truncating are refused.
    let reduced = stat.fs_rights_base & !(wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_FILESTAT_SET_SIZE);
    wasi::fd_fdstat_set_rights(fd, reduced, 0).expect("shrinking rights");
    let stat = wasi::fd_fdstat_get(fd).expect("fdstat");
    assert_eq!(stat.fs_rights_base, reduced);
    let mut buf = [0u8; 4];
    let iovec = wasi::Iovec {
        buf: buf.as_mut_ptr(),
        buf_len: buf.len(),
    };
    wasi::fd_seek(fd, 0, wasi::WHENCE_SET).expect("seek");
    assert_errno!(
        wasi::fd_read(fd, &[iovec]).expect_err("read"),
        wasi::ERRNO_NOTCAPABLE
    );
    assert_errno!(
        wasi::fd_filestat_set_size(fd, 0).expect_err("truncate"),
        wasi::ERRNO_NOTCAPABLE
    );
    // Writing still works.
    assert_eq!(wasi::fd_write(fd, &[ciovec]).expect("write"), 10);
    // Rights never grow back.
    assert_errno!(
        wasi::fd_fdstat_set_rights(fd, reduced | wasi::RIGHTS_FD_READ, 0).expect_err("grow"),
        wasi::ERRNO_NOTCAPABLE
    );
    // With no rights at all, nothing works, not even a stat.
    wasi::fd_fdstat_set_rights(fd, 0, 0).expect("dropping every right");
    assert_errno!(
        wasi::fd_write(fd, &[ciovec]).expect_err("write"),
        wasi::ERRNO_NOTCAPABLE
    );
    assert_errno!(
        wasi::fd_filestat_get(fd).expect_err("stat"),
        wasi::ERRNO_NOTCAPABLE
    );
    assert_errno!(wasi::fd_tell(fd).expect_err("tell"), wasi::ERRNO_NOTCAPABLE);
    wasi::fd_close(fd).expect("close");

    // Opened without FD_FILESTAT_SET_SIZE: no truncating, even when writable.
    let fd = wasi::path_open(dir_fd, 0, "file", 0, wasi::RIGHTS_FD_WRITE, 0, 0).expect("open");
    assert_errno!(
        wasi::fd_filestat_set_size(fd, 0).expect_err("truncate"),
        wasi::ERRNO_NOTCAPABLE
    );
    assert_eq!(
        wasi::path_filestat_get(dir_fd, 0, "file")
            .expect("stat")
            .size,
        10
    );
    wasi::fd_close(fd).expect("close");

    // A directory without path rights.
    let sub = wasi::path_open(dir_fd, 0, ".", wasi::OFLAGS_DIRECTORY, 0, 0, 0).expect("open .");
    wasi::fd_fdstat_set_rights(sub, wasi::RIGHTS_FD_READDIR, 0).expect("shrink");
    assert_errno!(
        wasi::path_open(sub, 0, "file", 0, 0, 0, 0).expect_err("path_open"),
        wasi::ERRNO_NOTCAPABLE
    );
    assert_errno!(
        wasi::path_filestat_get(sub, 0, "file").expect_err("path_filestat_get"),
        wasi::ERRNO_NOTCAPABLE
    );
    assert_errno!(
        wasi::path_unlink_file(sub, "file").expect_err("path_unlink_file"),
        wasi::ERRNO_NOTCAPABLE
    );
    assert_errno!(
        wasi::path_create_directory(sub, "d").expect_err("path_create_directory"),
        wasi::ERRNO_NOTCAPABLE
    );
    wasi::fd_close(sub).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

/// One entry of a `fd_readdir` buffer.
struct DirEntry {
    dirent: wasi::Dirent,
    name: String,
}

/// The entries of one `fd_readdir` call from `cookie` on, and whether that was the end.
unsafe fn exec_fd_readdir(fd: wasi::Fd, cookie: wasi::Dircookie) -> (Vec<DirEntry>, bool) {
    const BUF_LEN: usize = 256;
    let mut buf = [0u8; BUF_LEN];
    let bufused = wasi::fd_readdir(fd, buf.as_mut_ptr(), BUF_LEN, cookie).expect("fd_readdir");
    assert!(bufused <= BUF_LEN);
    let mut entries = Vec::new();
    let mut at = 0;
    let header = std::mem::size_of::<wasi::Dirent>();
    while at + header <= bufused {
        let dirent: wasi::Dirent = std::ptr::read_unaligned(buf[at..].as_ptr().cast());
        let start = at + header;
        let end = start + dirent.d_namlen as usize;
        if end > bufused {
            break;
        }
        let name = String::from_utf8(buf[start..end].to_vec()).expect("utf-8 name");
        entries.push(DirEntry { dirent, name });
        at = end;
    }
    (entries, bufused < BUF_LEN)
}

pub unsafe fn fd_readdir(dir_fd: wasi::Fd, _: &[String]) {
    let stat = wasi::fd_filestat_get(dir_fd).expect("failed filestat");
    // An empty directory: `.` and `..`.
    let (mut entries, eof) = exec_fd_readdir(dir_fd, 0);
    assert!(eof);
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(entries.len(), 2, "two entries in an empty directory");
    assert_eq!(entries[0].name, ".");
    assert_eq!(entries[0].dirent.d_type, wasi::FILETYPE_DIRECTORY);
    assert_eq!(entries[0].dirent.d_ino, stat.ino);
    assert_eq!(entries[0].dirent.d_namlen, 1);
    assert_eq!(entries[1].name, "..");
    assert_eq!(entries[1].dirent.d_type, wasi::FILETYPE_DIRECTORY);

    // A file and a directory.
    let file_fd = wasi::path_open(
        dir_fd,
        0,
        "file",
        wasi::OFLAGS_CREAT,
        wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE,
        0,
        0,
    )
    .expect("failed to create file");
    let file_stat = wasi::fd_filestat_get(file_fd).expect("failed filestat");
    wasi::fd_close(file_fd).expect("closing a file");
    wasi::path_create_directory(dir_fd, "nested").expect("create dir");
    let nested_fd =
        wasi::path_open(dir_fd, 0, "nested", wasi::OFLAGS_DIRECTORY, 0, 0, 0).expect("open dir");
    let nested_stat = wasi::fd_filestat_get(nested_fd).expect("failed filestat");
    wasi::fd_close(nested_fd).expect("close");

    let (mut entries, eof) = exec_fd_readdir(dir_fd, 0);
    assert!(eof);
    assert_eq!(entries.len(), 4, "four entries");
    let last_cookie = entries[2].dirent.d_next;
    let last_name = entries[3].name.clone();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, [".", "..", "file", "nested"]);
    assert_eq!(entries[2].dirent.d_type, wasi::FILETYPE_REGULAR_FILE);
    assert_eq!(entries[2].dirent.d_ino, file_stat.ino);
    assert_eq!(entries[3].dirent.d_type, wasi::FILETYPE_DIRECTORY);
    assert_eq!(entries[3].dirent.d_ino, nested_stat.ino);
    // Resuming from a cookie.
    let (entries, _) = exec_fd_readdir(dir_fd, last_cookie);
    assert_eq!(entries.len(), 1, "one entry after the cookie");
    assert_eq!(entries[0].name, last_name);
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
    wasi::path_remove_directory(dir_fd, "nested").expect("rmdir");

    // Many entries, read in many calls by cookie.
    for i in 0..200 {
        create_file(dir_fd, &format!("file.{i}"));
    }
    let mut seen = Vec::new();
    let mut cookie = 0;
    loop {
        let (entries, eof) = exec_fd_readdir(dir_fd, cookie);
        for e in &entries {
            seen.push(e.name.clone());
            cookie = e.dirent.d_next;
        }
        if eof {
            break;
        }
    }
    assert_eq!(seen.len(), 202, "every entry once");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 202, "no entry twice");
    for i in 0..200 {
        wasi::path_unlink_file(dir_fd, &format!("file.{i}")).expect("unlink");
    }
    // A buffer growing a byte at a time until the whole listing fits: names are cut
    // anywhere, even inside a UTF-8 character, and never garbled.
    let name = "Действие";
    create_file(dir_fd, name);
    let mut buf = Vec::new();
    loop {
        buf.push(0u8);
        let used = wasi::fd_readdir(dir_fd, buf.as_mut_ptr(), buf.len(), 0).expect("readdir");
        if used < buf.len() {
            buf.truncate(used);
            break;
        }
    }
    let header = std::mem::size_of::<wasi::Dirent>();
    let mut names = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        let dirent: wasi::Dirent = std::ptr::read_unaligned(buf[at..].as_ptr().cast());
        let end = at + header + dirent.d_namlen as usize;
        names.push(String::from_utf8(buf[at + header..end].to_vec()).expect("utf-8"));
        at = end;
    }
    names.sort();
    assert_eq!(names, [".", "..", name]);
    wasi::path_unlink_file(dir_fd, name).expect("unlink");

    // On a file: not a directory.
    create_file(dir_fd, "file");
    let file_fd =
        wasi::path_open(dir_fd, 0, "file", 0, wasi::RIGHTS_FD_READDIR, 0, 0).expect("open");
    let mut buf = [0u8; 64];
    assert_errno!(
        wasi::fd_readdir(file_fd, buf.as_mut_ptr(), buf.len(), 0).expect_err("readdir of a file"),
        wasi::ERRNO_NOTDIR,
        wasi::ERRNO_BADF
    );
    wasi::fd_close(file_fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}
