//! A markdown renderer with link extraction: reads markdown on stdin, renders it to HTML
//! (`pulldown-cmark`), finds every URL in the HTML (`regex`) and prints a JSON summary.
//! Repeats the work `argv[1]` times (default 1).

use std::io::Read;

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).expect("read stdin");
    let url = regex::Regex::new(r#"href="([^"]+)""#).expect("valid regex");
    let mut html_bytes = 0usize;
    let mut links = 0usize;
    for _ in 0..rounds {
        let parser = pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::all());
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, parser);
        html_bytes += html.len();
        links += url.captures_iter(&html).count();
    }
    let summary = serde_json::json!({ "html_bytes": html_bytes, "links": links, "rounds": rounds });
    println!("{summary}");
}
