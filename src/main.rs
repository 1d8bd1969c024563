//! The `hulpmarkt` command: serve the API (default), migrate the database, and the operator
//! tools. Everything else lives in the library.

use clap::{Parser, Subcommand};
use hulpmarkt::{config::Settings, startup, telemetry};

/// Hulpmarkt: matches neighbourly help requests with volunteer offers, with the municipality
/// as fallback. Every setting can be given as a flag or as the environment variable shown
/// (a `.env` file in the working directory is read too).
#[derive(Parser)]
#[command(name = "hulpmarkt", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API (the default when no command is given).
    Serve,
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Print the OpenAPI document to standard output.
    Openapi,
}

fn main() -> anyhow::Result<()> {
    // A missing .env is normal outside development.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    telemetry::init_tracing(&cli.settings.log_level, cli.settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = startup::Application::build(cli.settings)?;
            actix_web::rt::System::new().block_on(app.run_until_stopped())?;
        }
        Command::Migrate => {
            startup::prepare_database(&cli.settings)?;
            println!("database is up to date");
        }
        Command::Openapi => println!("{}", hulpmarkt::api::openapi::document()),
    }
    Ok(())
}
