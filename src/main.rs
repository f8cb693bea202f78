use clap::Parser;
use devdoctor::app;
use devdoctor::cli::Cli;
use devdoctor::core::status::exit;

fn main() {
    // `devdoctor --version` is what scripts and prompt hooks call most: answered before the
    // command line parser is built (the same text clap prints).
    let mut args = std::env::args_os().skip(1);
    if let (Some(only), None) = (args.next(), args.next()) {
        if only == "--version" || only == "-V" {
            println!("devdoctor {}", env!("CARGO_PKG_VERSION"));
            return;
        }
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::HEALTHY
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    devdoctor::exec::guard_process();
    let code = match app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            let code = devdoctor::core::diagnostic::exit_code(&e);
            // Errors quote files and tool output: they are redacted like every report.
            eprintln!(
                "error: {}",
                devdoctor::policy::redact::text(&format!("{e:#}"))
            );
            code
        }
    };
    // A tool whose check timed out may still be running: it must not outlive devdoctor.
    devdoctor::exec::exit(code);
}
