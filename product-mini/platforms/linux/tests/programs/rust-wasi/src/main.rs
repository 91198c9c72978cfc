//! A WASI program that exercises the runtime's WASI support, one command at a time:
//!
//! ```text
//! wasi-probe args             argv joined by spaces, then "argc N"
//! wasi-probe env NAME         the variable's value, or "<unset>"
//! wasi-probe env-all          every variable as NAME=VALUE, sorted, then "count N"
//! wasi-probe stdio            a line on stdout and one on stderr
//! wasi-probe stdin            echoes stdin, with its length
//! wasi-probe exit N           std::process::exit(N)
//! wasi-probe cat PATH         the file's text, or "cannot read"
//! wasi-probe files DIR        file operations inside the preopened DIR, one line per step
//! wasi-probe escape DIR       tries to get out of DIR; "denied" or "ALLOWED" for each try
//! wasi-probe clock-random     the clocks and random_get work
//! wasi-probe panic            panics (a trap: nonzero exit)
//! ```
//!
//! Built for wasm32-wasip1 by product-mini/platforms/linux/tests/wasi_programs.rs.

use std::collections::HashMap;
use std::fmt::Display;
use std::fs;
use std::io::{Read, Write};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let command = args.get(1).map(String::as_str).unwrap_or("");
    let arg = |i: usize| -> &str {
        args.get(i)
            .map(String::as_str)
            .unwrap_or_else(|| usage_error())
    };
    match command {
        "args" => {
            println!("{}", args.join(" "));
            println!("argc {}", args.len());
        }
        "env" => match std::env::var(arg(2)) {
            Ok(value) => println!("{value}"),
            Err(_) => println!("<unset>"),
        },
        "env-all" => {
            let mut vars: Vec<(String, String)> = std::env::vars().collect();
            vars.sort();
            for (name, value) in &vars {
                println!("{name}={value}");
            }
            println!("count {}", vars.len());
        }
        "stdio" => {
            println!("to stdout");
            eprintln!("to stderr");
        }
        "stdin" => {
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .expect("read stdin");
            println!("{} bytes", input.len());
            print!("{input}");
        }
        "exit" => std::process::exit(arg(2).parse().unwrap_or_else(|_| usage_error())),
        "cat" => match fs::read_to_string(arg(2)) {
            Ok(text) => print!("{text}"),
            Err(_) => println!("cannot read"),
        },
        "files" => files(arg(2)),
        "escape" => escape(arg(2)),
        "clock-random" => clock_random(),
        "panic" => panic!("boom from wasm"),
        _ => usage_error(),
    }
}

fn usage_error() -> ! {
    eprintln!("usage: wasi-probe args|env NAME|env-all|stdio|stdin|exit N|cat PATH|files DIR|escape DIR|clock-random|panic");
    std::process::exit(2)
}

/// Prints `step: ok` or `step: error: ...`.
fn report<T, E: Display>(step: &str, result: Result<T, E>) -> Option<T> {
    match result {
        Ok(value) => {
            println!("{step}: ok");
            Some(value)
        }
        Err(e) => {
            println!("{step}: error: {e}");
            None
        }
    }
}

/// The entry names of `dir`, sorted and joined by spaces.
fn list(dir: &str) -> Result<String, std::io::Error> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        names.push(entry?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names.join(" "))
}

fn files(dir: &str) {
    let a = format!("{dir}/a.txt");
    let b = format!("{dir}/b.txt");
    let sub = format!("{dir}/sub");

    // What the host put there.
    match fs::read_to_string(format!("{dir}/host.txt")) {
        Ok(text) => println!("read host.txt: {}", text.trim_end()),
        Err(e) => println!("read host.txt: error: {e}"),
    }

    report("create a.txt", fs::write(&a, "hello wasi\n"));
    let append = fs::OpenOptions::new()
        .append(true)
        .open(&a)
        .and_then(|mut f| f.write_all(b"second line\n"));
    report("append a.txt", append);
    match fs::read_to_string(&a) {
        Ok(text) => println!("read a.txt: {:?}", text),
        Err(e) => println!("read a.txt: error: {e}"),
    }
    match fs::metadata(&a) {
        Ok(meta) => println!("stat a.txt: file={} len={}", meta.is_file(), meta.len()),
        Err(e) => println!("stat a.txt: error: {e}"),
    }
    // Seek and read a slice from the middle.
    let mut middle = [0u8; 4];
    let seek_read = fs::File::open(&a).and_then(|mut f| {
        use std::io::{Seek, SeekFrom};
        f.seek(SeekFrom::Start(6))?;
        f.read_exact(&mut middle)
    });
    if report("seek a.txt", seek_read).is_some() {
        println!("bytes 6..10: {:?}", String::from_utf8_lossy(&middle));
    }
    report("rename a.txt -> b.txt", fs::rename(&a, &b));
    println!("a.txt exists: {}", fs::metadata(&a).is_ok());
    match list(dir) {
        Ok(names) => println!("list: {names}"),
        Err(e) => println!("list: error: {e}"),
    }
    report("remove b.txt", fs::remove_file(&b));
    report("create sub", fs::create_dir(&sub));
    match fs::metadata(&sub) {
        Ok(meta) => println!("stat sub: dir={}", meta.is_dir()),
        Err(e) => println!("stat sub: error: {e}"),
    }
    report("create sub/c.txt", fs::write(format!("{sub}/c.txt"), "c"));
    match list(&sub) {
        Ok(names) => println!("list sub: {names}"),
        Err(e) => println!("list sub: error: {e}"),
    }
    match fs::remove_dir(&sub) {
        Ok(()) => println!("remove non-empty sub: ALLOWED?!"),
        Err(_) => println!("remove non-empty sub: refused"),
    }
    report("remove sub/c.txt", fs::remove_file(format!("{sub}/c.txt")));
    report("remove sub", fs::remove_dir(&sub));
    match fs::read(format!("{dir}/missing.txt")) {
        Ok(_) => println!("read missing.txt: found?!"),
        Err(e) => println!("read missing.txt: {:?}", e.kind()),
    }
    // Left behind for the host to check.
    report(
        "create keep.txt",
        fs::write(format!("{dir}/keep.txt"), "written by wasm\n"),
    );
    match list(dir) {
        Ok(names) => println!("list: {names}"),
        Err(e) => println!("list: error: {e}"),
    }
}

/// Tries to read and to write outside the preopened `dir`. The test plants, next to `dir`,
/// `outside.txt` and `outside/secret.txt`, and inside `dir` the symlinks `link` (absolute, to
/// outside.txt), `rellink` (`../outside.txt`), `dirlink` (to the `outside` directory) and
/// `inlink` (`host.txt`, which stays inside), and the directory `sub`.
fn escape(dir: &str) {
    let reads = [
        format!("{dir}/../outside.txt"),
        "/etc/passwd".to_string(),
        format!("{dir}/link"),
        format!("{dir}/rellink"),
        format!("{dir}/dirlink/secret.txt"),
        format!("{dir}/sub/../../outside.txt"),
    ];
    for path in &reads {
        let verdict = match fs::read(path) {
            Ok(_) => "ALLOWED",
            Err(_) => "denied",
        };
        println!("read {}: {verdict}", shorten(dir, path));
    }
    // Writes only ever aim at the files the test planted.
    let writes = [
        format!("{dir}/../outside.txt"),
        format!("{dir}/link"),
        format!("{dir}/rellink"),
        format!("{dir}/dirlink/secret.txt"),
        format!("{dir}/dirlink/new.txt"),
        format!("{dir}/../created-outside.txt"),
    ];
    for path in &writes {
        let verdict = match fs::write(path, "PWNED\n") {
            Ok(()) => "ALLOWED",
            Err(_) => "denied",
        };
        println!("write {}: {verdict}", shorten(dir, path));
    }
    let verdict = match fs::read_dir(format!("{dir}/..")) {
        Ok(_) => "ALLOWED",
        Err(_) => "denied",
    };
    println!("list DIR/..: {verdict}");
    let verdict = match fs::remove_file(format!("{dir}/../outside.txt")) {
        Ok(()) => "ALLOWED",
        Err(_) => "denied",
    };
    println!("remove DIR/../outside.txt: {verdict}");
}

/// `path` with the preopen's name shown as `DIR`.
fn shorten(dir: &str, path: &str) -> String {
    match path.strip_prefix(dir) {
        Some(rest) => format!("DIR{rest}"),
        None => path.to_string(),
    }
}

fn clock_random() {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("realtime clock before 1970");
    // 2020-01-01: a realtime clock that reports anything earlier is broken.
    println!(
        "realtime after 2020: {}",
        since_epoch.as_secs() > 1_577_836_800
    );
    let start = Instant::now();
    let mut spin = 0u64;
    for i in 0..100_000u64 {
        spin = spin.wrapping_add(i * i);
    }
    std::hint::black_box(spin);
    let later = Instant::now();
    println!("monotonic: {}", later >= start);
    // HashMap's RandomState seeds itself with random_get.
    let mut map = HashMap::new();
    map.insert("key", 1);
    println!("hashmap: {}", map["key"]);
}
