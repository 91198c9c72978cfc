//! Symlinks and hard links: creating, following or not, dangling and looping ones.

use crate::{assert_errno, create_file};

const FOLLOW: wasi::Lookupflags = wasi::LOOKUPFLAGS_SYMLINK_FOLLOW;

pub unsafe fn dangling_symlink(dir_fd: wasi::Fd, _: &[String]) {
    wasi::path_symlink("target", dir_fd, "symlink").expect("creating a symlink");
    assert_errno!(
        wasi::path_open(dir_fd, 0, "symlink", wasi::OFLAGS_DIRECTORY, 0, 0, 0)
            .expect_err("opening a dangling symlink as a directory"),
        wasi::ERRNO_NOTDIR,
        wasi::ERRNO_LOOP
    );
    assert_errno!(
        wasi::path_open(dir_fd, 0, "symlink", 0, 0, 0, 0).expect_err("opening a dangling symlink"),
        wasi::ERRNO_LOOP
    );
    assert_errno!(
        wasi::path_open(dir_fd, FOLLOW, "symlink", 0, 0, 0, 0).expect_err("following it"),
        wasi::ERRNO_NOENT
    );
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");
}

pub unsafe fn symlink_loop(dir_fd: wasi::Fd, _: &[String]) {
    wasi::path_symlink("symlink", dir_fd, "symlink").expect("creating a symlink");
    for flags in [0, FOLLOW] {
        assert_errno!(
            wasi::path_open(dir_fd, flags, "symlink", 0, 0, 0, 0).expect_err("a symlink loop"),
            wasi::ERRNO_LOOP
        );
    }
    assert_errno!(
        wasi::path_filestat_get(dir_fd, FOLLOW, "symlink").expect_err("stat through a loop"),
        wasi::ERRNO_LOOP
    );
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");
}

pub unsafe fn nofollow_errors(dir_fd: wasi::Fd, _: &[String]) {
    wasi::path_create_directory(dir_fd, "target").expect("mkdir");
    wasi::path_symlink("target", dir_fd, "symlink").expect("creating a symlink");
    assert_errno!(
        wasi::path_open(dir_fd, 0, "symlink", wasi::OFLAGS_DIRECTORY, 0, 0, 0)
            .expect_err("a directory symlink as a directory, not followed"),
        wasi::ERRNO_LOOP,
        wasi::ERRNO_NOTDIR
    );
    assert_errno!(
        wasi::path_open(dir_fd, 0, "symlink", 0, 0, 0, 0).expect_err("a symlink, not followed"),
        wasi::ERRNO_LOOP
    );
    let fd = wasi::path_open(dir_fd, FOLLOW, "symlink", wasi::OFLAGS_DIRECTORY, 0, 0, 0)
        .expect("opening a symlink as a directory");
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");
    wasi::path_remove_directory(dir_fd, "target").expect("rmdir");

    create_file(dir_fd, "target");
    wasi::path_symlink("target", dir_fd, "symlink").expect("creating a symlink");
    assert_errno!(
        wasi::path_open(dir_fd, 0, "symlink", wasi::OFLAGS_DIRECTORY, 0, 0, 0)
            .expect_err("a file symlink as a directory, not followed"),
        wasi::ERRNO_LOOP,
        wasi::ERRNO_NOTDIR
    );
    assert_errno!(
        wasi::path_open(dir_fd, 0, "symlink", 0, 0, 0, 0).expect_err("a symlink, not followed"),
        wasi::ERRNO_LOOP
    );
    assert_errno!(
        wasi::path_open(dir_fd, FOLLOW, "symlink", wasi::OFLAGS_DIRECTORY, 0, 0, 0)
            .expect_err("a symlink to a file as a directory"),
        wasi::ERRNO_NOTDIR
    );
    wasi::path_unlink_file(dir_fd, "target").expect("unlink");
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");
}

pub unsafe fn path_exists(dir_fd: wasi::Fd, _: &[String]) {
    let filetype = |flags, path| {
        wasi::path_filestat_get(dir_fd, flags, path)
            .expect("path_filestat_get")
            .filetype
    };
    wasi::path_create_directory(dir_fd, "subdir").expect("mkdir");
    assert_eq!(filetype(0, "subdir"), wasi::FILETYPE_DIRECTORY);
    assert_eq!(filetype(FOLLOW, "subdir"), wasi::FILETYPE_DIRECTORY);
    create_file(dir_fd, "subdir/file");
    assert_eq!(filetype(0, "subdir/file"), wasi::FILETYPE_REGULAR_FILE);
    assert_eq!(filetype(FOLLOW, "subdir/file"), wasi::FILETYPE_REGULAR_FILE);
    wasi::path_symlink("subdir/file", dir_fd, "link1").expect("symlink");
    assert_eq!(filetype(0, "link1"), wasi::FILETYPE_SYMBOLIC_LINK);
    assert_eq!(filetype(FOLLOW, "link1"), wasi::FILETYPE_REGULAR_FILE);
    wasi::path_symlink("subdir", dir_fd, "link2").expect("symlink");
    assert_eq!(filetype(0, "link2"), wasi::FILETYPE_SYMBOLIC_LINK);
    assert_eq!(filetype(FOLLOW, "link2"), wasi::FILETYPE_DIRECTORY);
    wasi::path_unlink_file(dir_fd, "link1").expect("unlink");
    wasi::path_unlink_file(dir_fd, "link2").expect("unlink");
    wasi::path_unlink_file(dir_fd, "subdir/file").expect("unlink");
    wasi::path_remove_directory(dir_fd, "subdir").expect("rmdir");
}

/// Asserts two fds name the same file, with the same fdstat.
unsafe fn check_same(orig_fd: wasi::Fd, link_fd: wasi::Fd) {
    let (a, b) = (
        wasi::fd_filestat_get(orig_fd).expect("filestat"),
        wasi::fd_filestat_get(link_fd).expect("filestat"),
    );
    assert_eq!(
        (a.dev, a.ino, a.nlink, a.size, a.filetype),
        (b.dev, b.ino, b.nlink, b.size, b.filetype)
    );
    assert_eq!((a.atim, a.mtim, a.ctim), (b.atim, b.mtim, b.ctim));
    let (a, b) = (
        wasi::fd_fdstat_get(orig_fd).expect("fdstat"),
        wasi::fd_fdstat_get(link_fd).expect("fdstat"),
    );
    assert_eq!(a.fs_flags, b.fs_flags);
    assert_eq!(a.fs_filetype, b.fs_filetype);
    assert_eq!(a.fs_rights_base, b.fs_rights_base);
    assert_eq!(a.fs_rights_inheriting, b.fs_rights_inheriting);
}

pub unsafe fn path_link(dir_fd: wasi::Fd, _: &[String]) {
    let file_fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_CREAT, 0, 0, 0).expect("create");
    // In the same directory.
    wasi::path_link(dir_fd, 0, "file", dir_fd, "link").expect("a link in the same directory");
    let link_fd = wasi::path_open(dir_fd, 0, "link", 0, 0, 0, 0).expect("open the link");
    check_same(file_fd, link_fd);
    assert_eq!(wasi::fd_filestat_get(file_fd).expect("filestat").nlink, 2);
    wasi::fd_close(link_fd).expect("close");
    wasi::path_unlink_file(dir_fd, "link").expect("unlink");
    // In another directory.
    wasi::path_create_directory(dir_fd, "subdir").expect("mkdir");
    let subdir_fd =
        wasi::path_open(dir_fd, 0, "subdir", wasi::OFLAGS_DIRECTORY, 0, 0, 0).expect("open");
    wasi::path_link(dir_fd, 0, "file", subdir_fd, "link").expect("a link in a subdirectory");
    let link_fd = wasi::path_open(subdir_fd, 0, "link", 0, 0, 0, 0).expect("open the link");
    check_same(file_fd, link_fd);
    wasi::fd_close(link_fd).expect("close");
    wasi::path_unlink_file(dir_fd, "subdir/link").expect("unlink");
    wasi::fd_close(subdir_fd).expect("close");
    wasi::path_remove_directory(dir_fd, "subdir").expect("rmdir");
    // Onto an existing path, onto itself, onto a directory.
    create_file(dir_fd, "link");
    assert_errno!(
        wasi::path_link(dir_fd, 0, "file", dir_fd, "link").expect_err("onto an existing file"),
        wasi::ERRNO_EXIST
    );
    wasi::path_unlink_file(dir_fd, "link").expect("unlink");
    assert_errno!(
        wasi::path_link(dir_fd, 0, "file", dir_fd, "file").expect_err("onto itself"),
        wasi::ERRNO_EXIST
    );
    wasi::path_create_directory(dir_fd, "link").expect("mkdir");
    assert_errno!(
        wasi::path_link(dir_fd, 0, "file", dir_fd, "link").expect_err("onto a directory"),
        wasi::ERRNO_EXIST
    );
    wasi::path_remove_directory(dir_fd, "link").expect("rmdir");
    // Of a directory.
    wasi::path_create_directory(dir_fd, "subdir").expect("mkdir");
    assert_errno!(
        wasi::path_link(dir_fd, 0, "subdir", dir_fd, "link").expect_err("of a directory"),
        wasi::ERRNO_PERM,
        wasi::ERRNO_ACCES
    );
    wasi::path_remove_directory(dir_fd, "subdir").expect("rmdir");
    // To a name with a trailing slash.
    assert_errno!(
        wasi::path_link(dir_fd, 0, "file", dir_fd, "link/").expect_err("trailing slash"),
        wasi::ERRNO_NOENT
    );
    // Of a dangling symlink and of a symlink loop: the links themselves.
    wasi::path_symlink("target", dir_fd, "symlink").expect("a dangling symlink");
    wasi::path_link(dir_fd, 0, "symlink", dir_fd, "link").expect("a link to a dangling symlink");
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");
    wasi::path_unlink_file(dir_fd, "link").expect("unlink");
    wasi::path_symlink("symlink", dir_fd, "symlink").expect("a symlink loop");
    wasi::path_link(dir_fd, 0, "symlink", dir_fd, "link").expect("a link to a symlink loop");
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");
    wasi::path_unlink_file(dir_fd, "link").expect("unlink");
    // Onto a dangling symlink.
    wasi::path_symlink("target", dir_fd, "symlink").expect("a dangling symlink");
    assert_errno!(
        wasi::path_link(dir_fd, 0, "file", dir_fd, "symlink").expect_err("onto a symlink"),
        wasi::ERRNO_EXIST
    );
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");
    // Following symlinks is refused.
    wasi::path_symlink("file", dir_fd, "symlink").expect("a symlink");
    assert_errno!(
        wasi::path_link(dir_fd, FOLLOW, "symlink", dir_fd, "link").expect_err("SYMLINK_FOLLOW"),
        wasi::ERRNO_INVAL
    );
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");
    wasi::fd_close(file_fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn path_symlink_trailing_slashes(dir_fd: wasi::Fd, _: &[String]) {
    assert_errno!(
        wasi::path_symlink("source", dir_fd, "target/").expect_err("a dangling link with a slash"),
        wasi::ERRNO_NOENT
    );
    wasi::path_symlink("source", dir_fd, "target").expect("a dangling link");
    wasi::path_unlink_file(dir_fd, "target").expect("unlink");
    for path in ["target/", "target"] {
        wasi::path_create_directory(dir_fd, "target").expect("mkdir");
        assert_errno!(
            wasi::path_symlink("source", dir_fd, path).expect_err("onto a directory"),
            wasi::ERRNO_EXIST
        );
        wasi::path_remove_directory(dir_fd, "target").expect("rmdir");
    }
    create_file(dir_fd, "target");
    assert_errno!(
        wasi::path_symlink("source", dir_fd, "target/").expect_err("onto a file with a slash"),
        wasi::ERRNO_EXIST,
        wasi::ERRNO_NOTDIR
    );
    assert_errno!(
        wasi::path_symlink("source", dir_fd, "target").expect_err("onto a file"),
        wasi::ERRNO_EXIST
    );
    wasi::path_unlink_file(dir_fd, "target").expect("unlink");
}

pub unsafe fn readlink(dir_fd: wasi::Fd, _: &[String]) {
    create_file(dir_fd, "target");
    wasi::path_symlink("target", dir_fd, "symlink").expect("symlink");
    let mut buf = [0u8; 10];
    let used =
        wasi::path_readlink(dir_fd, "symlink", buf.as_mut_ptr(), buf.len()).expect("readlink");
    assert_eq!(used, 6);
    assert_eq!(&buf[..6], b"target");
    assert_eq!(&buf[6..], &[0u8; 4], "the rest untouched");
    let mut buf = [0u8; 4];
    let used = wasi::path_readlink(dir_fd, "symlink", buf.as_mut_ptr(), buf.len())
        .expect("readlink into a smaller buffer");
    assert_eq!(used, 4);
    assert_eq!(&buf, b"targ");
    assert_errno!(
        wasi::path_readlink(dir_fd, "target", buf.as_mut_ptr(), buf.len()).expect_err("a file"),
        wasi::ERRNO_INVAL
    );
    wasi::path_unlink_file(dir_fd, "target").expect("unlink");
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");
}

pub unsafe fn symlink_create(dir_fd: wasi::Fd, _: &[String]) {
    create_file(dir_fd, "file");
    wasi::path_symlink("file", dir_fd, "symlink").expect("symlink");
    let fd = wasi::path_open(dir_fd, FOLLOW, "symlink", 0, 0, 0, 0).expect("opening a symlink");
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");

    wasi::path_create_directory(dir_fd, "target").expect("mkdir");
    wasi::path_symlink("target", dir_fd, "symlink").expect("symlink");
    let fd = wasi::path_open(dir_fd, FOLLOW, "symlink", wasi::OFLAGS_DIRECTORY, 0, 0, 0)
        .expect("opening a symlink as a directory");
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");
    wasi::path_remove_directory(dir_fd, "target").expect("rmdir");
}

pub unsafe fn symlink_filestat(dir_fd: wasi::Fd, _: &[String]) {
    let fdstat = wasi::fd_fdstat_get(dir_fd).expect("fd_fdstat_get");
    assert_ne!(fdstat.fs_rights_base & wasi::RIGHTS_PATH_FILESTAT_GET, 0);
    create_file(dir_fd, "file");
    wasi::path_symlink("file", dir_fd, "symlink").expect("symlink");
    let sym_stat = wasi::path_filestat_get(dir_fd, 0, "symlink").expect("stat");
    assert_eq!(sym_stat.filetype, wasi::FILETYPE_SYMBOLIC_LINK);
    let new_mtim = sym_stat.mtim - 100;
    wasi::path_filestat_set_times(dir_fd, 0, "symlink", 0, new_mtim, wasi::FSTFLAGS_MTIM)
        .expect("path_filestat_set_times");
    let modified = wasi::path_filestat_get(dir_fd, 0, "symlink").expect("stat");
    assert_eq!(modified.mtim, new_mtim, "mtim of the link changed");
    let file_stat = wasi::path_filestat_get(dir_fd, FOLLOW, "symlink").expect("stat");
    assert_eq!(file_stat.filetype, wasi::FILETYPE_REGULAR_FILE);
    assert_ne!(file_stat.mtim, new_mtim, "the file's mtim did not");
    let both = wasi::FSTFLAGS_MTIM | wasi::FSTFLAGS_MTIM_NOW;
    assert_errno!(
        wasi::path_filestat_set_times(dir_fd, 0, "symlink", 0, new_mtim, both)
            .expect_err("MTIM and MTIM_NOW"),
        wasi::ERRNO_INVAL
    );
    let unmodified = wasi::path_filestat_get(dir_fd, 0, "symlink").expect("stat");
    assert_eq!(unmodified.mtim, modified.mtim);
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
    wasi::path_unlink_file(dir_fd, "symlink").expect("unlink");
}
