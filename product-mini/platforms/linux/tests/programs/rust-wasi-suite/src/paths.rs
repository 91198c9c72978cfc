//! Paths: opening, renaming, removing, stat, and the odd spellings (trailing slashes, `.`,
//! `..`, absolute paths, NUL bytes).

use crate::{assert_errno, create_file};

unsafe fn open_dir(dir_fd: wasi::Fd, path: &str) -> Result<wasi::Fd, wasi::Errno> {
    wasi::path_open(dir_fd, 0, path, wasi::OFLAGS_DIRECTORY, 0, 0, 0)
}

pub unsafe fn interesting_paths(dir_fd: wasi::Fd, args: &[String]) {
    let arg = &args[2];
    wasi::path_create_directory(dir_fd, "dir").expect("creating dir");
    wasi::path_create_directory(dir_fd, "dir/nested").expect("creating a nested dir");
    create_file(dir_fd, "dir/nested/file");
    assert_errno!(
        wasi::path_open(dir_fd, 0, "/dir/nested/file", 0, 0, 0, 0).expect_err("absolute path"),
        wasi::ERRNO_PERM,
        wasi::ERRNO_NOTCAPABLE
    );
    let fd = wasi::path_open(
        dir_fd,
        0,
        "dir/.//nested/../../dir/nested/../nested///./file",
        0,
        0,
        0,
        0,
    )
    .expect("opening a file with \"..\" in the path");
    assert!(fd > 2);
    wasi::fd_close(fd).expect("close");
    assert_errno!(
        wasi::path_open(dir_fd, 0, "dir/nested/file\0", 0, 0, 0, 0).expect_err("trailing NUL"),
        wasi::ERRNO_INVAL,
        wasi::ERRNO_ILSEQ
    );
    for path in ["dir/nested/file/", "dir/nested/file///"] {
        assert_errno!(
            wasi::path_open(dir_fd, 0, path, 0, 0, 0, 0).expect_err("a file with a trailing slash"),
            wasi::ERRNO_NOTDIR,
            wasi::ERRNO_NOENT
        );
    }
    for path in ["dir/nested/", "dir/nested///"] {
        let fd = wasi::path_open(dir_fd, 0, path, 0, 0, 0, 0).expect("a dir with a trailing slash");
        wasi::fd_close(fd).expect("close");
    }
    let bad_path = format!("dir/nested/../../../{arg}/dir/nested/file");
    assert_errno!(
        wasi::path_open(dir_fd, 0, &bad_path, 0, 0, 0, 0).expect_err("too many \"..\"s"),
        wasi::ERRNO_PERM,
        wasi::ERRNO_NOTCAPABLE
    );
    wasi::path_unlink_file(dir_fd, "dir/nested/file").expect("unlink");
    wasi::path_remove_directory(dir_fd, "dir/nested").expect("rmdir");
    wasi::path_remove_directory(dir_fd, "dir").expect("rmdir");
}

pub unsafe fn path_filestat(dir_fd: wasi::Fd, _: &[String]) {
    let fdstat = wasi::fd_fdstat_get(dir_fd).expect("fd_fdstat_get");
    assert_ne!(fdstat.fs_rights_base & wasi::RIGHTS_PATH_FILESTAT_GET, 0);
    assert_ne!(
        fdstat.fs_rights_inheriting & wasi::RIGHTS_PATH_FILESTAT_GET,
        0
    );
    let fd = wasi::path_open(
        dir_fd,
        0,
        "file",
        wasi::OFLAGS_CREAT,
        wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE | wasi::RIGHTS_PATH_FILESTAT_GET,
        0,
        wasi::FDFLAGS_APPEND | wasi::FDFLAGS_SYNC,
    )
    .expect("opening a file");
    let fdstat = wasi::fd_fdstat_get(fd).expect("fd_fdstat_get");
    assert_eq!(
        fdstat.fs_rights_base & wasi::RIGHTS_PATH_FILESTAT_GET,
        0,
        "no path rights on files"
    );
    assert_eq!(
        fdstat.fs_rights_inheriting & wasi::RIGHTS_PATH_FILESTAT_GET,
        0
    );
    assert_eq!(fdstat.fs_flags & wasi::FDFLAGS_APPEND, wasi::FDFLAGS_APPEND);
    assert_eq!(fdstat.fs_flags & wasi::FDFLAGS_SYNC, wasi::FDFLAGS_SYNC);
    let stat = wasi::path_filestat_get(dir_fd, 0, "file").expect("stat");
    assert_eq!(stat.size, 0);
    assert_eq!(stat.filetype, wasi::FILETYPE_REGULAR_FILE);
    let old_atim = stat.atim;
    let new_mtim = stat.mtim - 100;
    wasi::path_filestat_set_times(dir_fd, 0, "file", new_mtim, new_mtim, wasi::FSTFLAGS_MTIM)
        .expect("path_filestat_set_times");
    let stat = wasi::path_filestat_get(dir_fd, 0, "file").expect("stat");
    assert_eq!(stat.mtim, new_mtim, "mtim changed");
    assert_eq!(stat.atim, old_atim, "atim unchanged");
    let both = wasi::FSTFLAGS_MTIM | wasi::FSTFLAGS_MTIM_NOW;
    assert_errno!(
        wasi::path_filestat_set_times(dir_fd, 0, "file", new_mtim, new_mtim, both)
            .expect_err("MTIM and MTIM_NOW"),
        wasi::ERRNO_INVAL
    );
    let stat = wasi::path_filestat_get(dir_fd, 0, "file").expect("stat");
    assert_eq!(stat.mtim, new_mtim, "untouched");
    assert_errno!(
        wasi::path_filestat_get(dir_fd, 0, "file/").expect_err("a file with a trailing slash"),
        wasi::ERRNO_NOTDIR
    );
    assert_errno!(
        wasi::path_filestat_get(dir_fd, 0, "missing").expect_err("a missing file"),
        wasi::ERRNO_NOENT
    );
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn path_open_create_existing(dir_fd: wasi::Fd, _: &[String]) {
    create_file(dir_fd, "file");
    assert_errno!(
        wasi::path_open(
            dir_fd,
            0,
            "file",
            wasi::OFLAGS_CREAT | wasi::OFLAGS_EXCL,
            0,
            0,
            0
        )
        .expect_err("creating a file that already exists"),
        wasi::ERRNO_EXIST
    );
    assert_errno!(
        wasi::path_open(
            dir_fd,
            0,
            "file",
            wasi::OFLAGS_DIRECTORY | wasi::OFLAGS_CREAT,
            0,
            0,
            0
        )
        .expect_err("O_DIRECTORY with O_CREAT"),
        wasi::ERRNO_INVAL
    );
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn path_open_dirfd_not_dir(dir_fd: wasi::Fd, _: &[String]) {
    let file_fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_CREAT, 0, 0, 0).expect("open");
    assert_errno!(
        wasi::path_open(file_fd, 0, "foo", wasi::OFLAGS_CREAT, 0, 0, 0)
            .expect_err("non-directory base fd"),
        wasi::ERRNO_NOTDIR
    );
    assert_errno!(
        wasi::path_create_directory(file_fd, "foo").expect_err("non-directory base fd"),
        wasi::ERRNO_NOTDIR
    );
    wasi::fd_close(file_fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn path_open_missing(dir_fd: wasi::Fd, _: &[String]) {
    assert_errno!(
        wasi::path_open(dir_fd, 0, "file", 0, 0, 0, 0).expect_err("opening a missing file"),
        wasi::ERRNO_NOENT
    );
}

pub unsafe fn path_open_nonblock(dir_fd: wasi::Fd, _: &[String]) {
    let fd = wasi::path_open(dir_fd, 0, ".", 0, 0, 0, wasi::FDFLAGS_NONBLOCK).expect("open dir");
    wasi::fd_close(fd).expect("close");
}

pub unsafe fn path_rename(dir_fd: wasi::Fd, _: &[String]) {
    // A directory to a new name.
    wasi::path_create_directory(dir_fd, "source").expect("mkdir");
    wasi::path_rename(dir_fd, "source", dir_fd, "target").expect("renaming a directory");
    assert_errno!(
        open_dir(dir_fd, "source").expect_err("source is gone"),
        wasi::ERRNO_NOENT
    );
    let fd = open_dir(dir_fd, "target").expect("target exists");
    wasi::fd_close(fd).expect("close");
    wasi::path_remove_directory(dir_fd, "target").expect("rmdir");
    // A directory onto an empty directory.
    wasi::path_create_directory(dir_fd, "source").expect("mkdir");
    wasi::path_create_directory(dir_fd, "target").expect("mkdir");
    wasi::path_rename(dir_fd, "source", dir_fd, "target").expect("onto an empty directory");
    assert_errno!(
        open_dir(dir_fd, "source").expect_err("source is gone"),
        wasi::ERRNO_NOENT
    );
    wasi::path_remove_directory(dir_fd, "target").expect("rmdir");
    // A directory onto a non-empty one, onto a file.
    wasi::path_create_directory(dir_fd, "source").expect("mkdir");
    wasi::path_create_directory(dir_fd, "target").expect("mkdir");
    create_file(dir_fd, "target/file");
    assert_errno!(
        wasi::path_rename(dir_fd, "source", dir_fd, "target").expect_err("onto a non-empty dir"),
        wasi::ERRNO_NOTEMPTY
    );
    assert_errno!(
        wasi::path_rename(dir_fd, "source", dir_fd, "target/file").expect_err("onto a file"),
        wasi::ERRNO_NOTDIR
    );
    wasi::path_unlink_file(dir_fd, "target/file").expect("unlink");
    wasi::path_remove_directory(dir_fd, "source").expect("rmdir");
    wasi::path_remove_directory(dir_fd, "target").expect("rmdir");
    // A file to a new name, onto another file.
    create_file(dir_fd, "source");
    wasi::path_rename(dir_fd, "source", dir_fd, "target").expect("renaming a file");
    assert_errno!(
        wasi::path_open(dir_fd, 0, "source", 0, 0, 0, 0).expect_err("source is gone"),
        wasi::ERRNO_NOENT
    );
    create_file(dir_fd, "source");
    wasi::path_rename(dir_fd, "source", dir_fd, "target").expect("onto an existing file");
    let fd = wasi::path_open(dir_fd, 0, "target", 0, 0, 0, 0).expect("target exists");
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "target").expect("unlink");
    // A file onto a directory; a missing source.
    create_file(dir_fd, "source");
    wasi::path_create_directory(dir_fd, "target").expect("mkdir");
    assert_errno!(
        wasi::path_rename(dir_fd, "source", dir_fd, "target").expect_err("a file onto a dir"),
        wasi::ERRNO_ISDIR
    );
    wasi::path_remove_directory(dir_fd, "target").expect("rmdir");
    wasi::path_unlink_file(dir_fd, "source").expect("unlink");
    assert_errno!(
        wasi::path_rename(dir_fd, "missing", dir_fd, "target").expect_err("missing source"),
        wasi::ERRNO_NOENT
    );
}

pub unsafe fn path_rename_dir_trailing_slashes(dir_fd: wasi::Fd, _: &[String]) {
    wasi::path_create_directory(dir_fd, "source").expect("mkdir");
    wasi::path_rename(dir_fd, "source/", dir_fd, "target").expect("source with a slash");
    wasi::path_rename(dir_fd, "target", dir_fd, "source/").expect("target with a slash");
    wasi::path_rename(dir_fd, "source/", dir_fd, "target/").expect("both with slashes");
    wasi::path_rename(dir_fd, "target", dir_fd, "source").expect("no slashes");
    wasi::path_remove_directory(dir_fd, "source").expect("rmdir");
    // A file named with a trailing slash is not a directory.
    create_file(dir_fd, "file");
    assert_errno!(
        wasi::path_rename(dir_fd, "file/", dir_fd, "other").expect_err("a file with a slash"),
        wasi::ERRNO_NOTDIR
    );
    assert_errno!(
        wasi::path_rename(dir_fd, "file", dir_fd, "other/").expect_err("a file to a slash"),
        wasi::ERRNO_NOTDIR,
        wasi::ERRNO_NOENT
    );
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn remove_directory_trailing_slashes(dir_fd: wasi::Fd, _: &[String]) {
    wasi::path_create_directory(dir_fd, "dir").expect("mkdir");
    wasi::path_remove_directory(dir_fd, "dir").expect("rmdir");
    wasi::path_create_directory(dir_fd, "dir").expect("mkdir");
    wasi::path_remove_directory(dir_fd, "dir/").expect("rmdir with a trailing slash");
    create_file(dir_fd, "file");
    for path in ["file", "file/"] {
        assert_errno!(
            wasi::path_remove_directory(dir_fd, path).expect_err("rmdir of a file"),
            wasi::ERRNO_NOTDIR
        );
    }
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn remove_nonempty_directory(dir_fd: wasi::Fd, _: &[String]) {
    wasi::path_create_directory(dir_fd, "dir").expect("mkdir");
    wasi::path_create_directory(dir_fd, "dir/nested").expect("mkdir");
    assert_errno!(
        wasi::path_remove_directory(dir_fd, "dir").expect_err("rmdir of a non-empty dir"),
        wasi::ERRNO_NOTEMPTY
    );
    wasi::path_remove_directory(dir_fd, "dir/nested").expect("rmdir");
    wasi::path_remove_directory(dir_fd, "dir").expect("rmdir");
}

pub unsafe fn unlink_file_trailing_slashes(dir_fd: wasi::Fd, _: &[String]) {
    wasi::path_create_directory(dir_fd, "dir").expect("mkdir");
    for path in ["dir", "dir/"] {
        assert_errno!(
            wasi::path_unlink_file(dir_fd, path).expect_err("unlink of a directory"),
            wasi::ERRNO_ISDIR
        );
    }
    wasi::path_remove_directory(dir_fd, "dir").expect("rmdir");
    create_file(dir_fd, "file");
    assert_errno!(
        wasi::path_unlink_file(dir_fd, "file/").expect_err("unlink with a trailing slash"),
        wasi::ERRNO_NOTDIR
    );
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
    assert_errno!(
        wasi::path_unlink_file(dir_fd, "file").expect_err("unlink of a missing file"),
        wasi::ERRNO_NOENT
    );
}
