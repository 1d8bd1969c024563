//! The `hulpmarkt` command: serve the API (default), migrate the database, and the operator
//! tools. Everything else lives in the library.

use clap::{Parser, Subcommand};
use hulpmarkt::{
    config::Settings,
    scheduling,
    services::accounts::{self, AppointedRole, Appointment},
    startup, telemetry,
};

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
    /// Run the global matching batch once: assign all waiting requests jointly (most people
    /// helped, then the highest total score), moving proposals not yet accepted.
    Match,
    /// Run the sweeper once (proposal expiry, escalation, retention) and print what it did.
    Sweep,
    /// Anonymise help requests, matches and cases finished longer ago than
    /// HULPMARKT_RETENTION_MONTHS, then exit (the sweeper does the same periodically).
    Retention,
    /// Operator tasks on accounts.
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
    /// Benchmark tooling: fill an empty database with a synthetic data set (`bench/load.sh`).
    #[cfg(feature = "bench-tools")]
    #[command(hide = true)]
    Seed(SeedArgs),
}

#[cfg(feature = "bench-tools")]
#[derive(clap::Args)]
struct SeedArgs {
    /// Active offers to create.
    #[arg(long, default_value_t = 100_000)]
    offers: usize,
    /// Help requests to create, in mixed states.
    #[arg(long, default_value_t = 100_000)]
    requests: usize,
    /// Password of every seeded account.
    #[arg(long, env = "HULPMARKT_SEED_PASSWORD", hide_env_values = true)]
    password: String,
    /// Write `email,request_id` of this many residents to --sample-file.
    #[arg(long, default_value_t = 500)]
    sample_owners: usize,
    /// Where the sampled residents go.
    #[arg(long, default_value = "seed-owners.csv")]
    sample_file: std::path::PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Instead of seeding: time this many candidate searches on the existing data.
    #[arg(long)]
    time_candidate_search: Option<usize>,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin or a case-worker account (never self-registered). The password is read
    /// from HULPMARKT_ADMIN_PASSWORD; when that is unset a random one is generated and printed
    /// once.
    Create {
        /// Login e-mail address.
        #[arg(long)]
        email: String,
        /// Name shown in the audit trail and to colleagues.
        #[arg(long, default_value = "Beheerder")]
        display_name: String,
        /// Which appointed role.
        #[arg(long, value_enum, default_value = "admin")]
        role: AppointedRole,
        /// CBS code of the municipality (required for a case worker), e.g. GM0363.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// List the admins and case workers (of one municipality, or all), one per line:
    /// id, municipality, roles, active or deactivated, e-mail.
    List {
        /// CBS code of the municipality, e.g. GM0363.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Deactivate an admin or case worker: they cannot sign in, every session ends (on a
    /// running server within seconds), their cases go back to the queue. Audited.
    Deactivate {
        /// Login e-mail address of the account.
        #[arg(long)]
        email: String,
    },
}

/// mimalloc instead of the system allocator: glibc keeps a heap per thread (the blocking
/// pool's, the writer's, the password hashers') and returns little of it, so the process
/// held about twice the memory it used; mimalloc gives freed pages back and allocates the
/// many small objects of the database layer faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    // A missing .env is normal outside development.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    telemetry::init_tracing(&cli.settings.log_level, cli.settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            // Before any other thread starts, so that every thread inherits the policy.
            match scheduling::apply(cli.settings.scheduling) {
                scheduling::Applied::Set(policy) => tracing::info!(?policy, "thread scheduling"),
                scheduling::Applied::Unchanged(reason) => {
                    tracing::info!(%reason, "thread scheduling left as it was");
                }
            }
            let app = startup::Application::build(cli.settings)?;
            actix_web::rt::System::new().block_on(app.run_until_stopped())?;
        }
        Command::Migrate => {
            startup::prepare_command_database(&cli.settings)?;
            println!("database is up to date");
        }
        Command::Openapi => println!("{}", hulpmarkt::api::openapi::document()),
        Command::Match => {
            let pool = startup::prepare_command_database(&cli.settings)?
                .0
                .beside_a_server();
            let report = actix_web::rt::System::new().block_on(
                hulpmarkt::services::batch::run_with_progress_bar(&pool, &cli.settings),
            )?;
            println!(
                "waiting {}, offers {}: {} placed ({} kept, {} new, {} moved)",
                report.waiting,
                report.offers,
                report.placed,
                report.kept,
                report.created,
                report.moved
            );
        }
        Command::Sweep => {
            let pool = startup::prepare_command_database(&cli.settings)?
                .0
                .beside_a_server();
            let policy = hulpmarkt::services::matching::Policy::from_settings(&cli.settings);
            let now = hulpmarkt::clock::Clock::now_naive(&hulpmarkt::clock::SystemClock);
            let report = actix_web::rt::System::new()
                .block_on(hulpmarkt::services::sweeper::sweep(
                    &pool, now, &policy, false,
                ))
                .map_err(|e| anyhow::anyhow!("sweep failed: {e}"))?;
            println!("{}", serde_json::to_string(&report)?);
        }
        Command::Retention => {
            let pool = startup::prepare_command_database(&cli.settings)?
                .0
                .beside_a_server();
            let now = hulpmarkt::clock::Clock::now_naive(&hulpmarkt::clock::SystemClock);
            let months = cli.settings.retention_months;
            let changed = actix_web::rt::System::new()
                .block_on(hulpmarkt::services::privacy::retention(&pool, now, months))?;
            println!("anonymised {changed} requests, matches and cases finished over {months} months ago");
        }
        #[cfg(feature = "bench-tools")]
        Command::Seed(args) => seed(&cli.settings, args)?,
        Command::Admin {
            action: AdminCommand::List { municipality },
        } => {
            let (pool, _) = startup::prepare_command_database(&cli.settings)?;
            let mut conn = pool.get()?;
            let staff = match municipality {
                Some(code) => hulpmarkt::services::staff_lifecycle::list(&mut conn, &code)?,
                None => hulpmarkt::db::users::all_staff(&mut conn)?,
            };
            for user in staff {
                let roles: Vec<&str> = user.roles().iter().map(|r| r.as_str()).collect();
                let state = match user.deactivated_at {
                    Some(_) => "deactivated",
                    None => "active",
                };
                let municipality = user.municipality_code.as_deref().unwrap_or("-");
                let roles = roles.join(",");
                println!(
                    "{}\t{municipality}\t{roles}\t{state}\t{}",
                    user.id, user.email
                );
            }
        }
        Command::Admin {
            action: AdminCommand::Deactivate { email },
        } => {
            use hulpmarkt::services::staff_lifecycle::{self, By};
            let pool = startup::prepare_command_database(&cli.settings)?
                .0
                .beside_a_server();
            let now = chrono::Utc::now().naive_utc();
            let ended = actix_web::rt::System::new().block_on(hulpmarkt::db::transaction(
                &pool,
                move |conn| {
                    let user = staff_lifecycle::find_by_email(conn, &email)?;
                    staff_lifecycle::deactivate(conn, &user.id, By::Operator, now)
                },
            ))?;
            println!(
                "deactivated {} ({}); sessions ended, {} cases back in the queue",
                ended.user.id, ended.user.email, ended.cases_released
            );
        }
        Command::Admin {
            action:
                AdminCommand::Create {
                    email,
                    display_name,
                    role,
                    municipality,
                },
        } => {
            let (pool, _) = startup::prepare_command_database(&cli.settings)?;
            let gazetteer = hulpmarkt::geo::Gazetteer::load()?;
            let given = std::env::var("HULPMARKT_ADMIN_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty());
            let password = given
                .clone()
                .unwrap_or_else(hulpmarkt::auth::tokens::random_token);
            let appointment = Appointment {
                email: &email,
                display_name: &display_name,
                password: &password,
                role,
                municipality: municipality.as_deref(),
            };
            let id = actix_web::rt::System::new().block_on(accounts::create_appointed(
                &pool,
                &gazetteer,
                &appointment,
                chrono::Utc::now(),
            ))?;
            println!("created {id}");
            if given.is_none() {
                println!("generated password (shown once): {password}");
            }
        }
    }
    Ok(())
}

#[cfg(feature = "bench-tools")]
fn seed(settings: &Settings, args: SeedArgs) -> anyhow::Result<()> {
    use hulpmarkt::services::seed;
    let (pool, _) = startup::prepare_command_database(settings)?;
    let gazetteer = hulpmarkt::geo::Gazetteer::load()?;
    let mut conn = pool.get()?;
    let now = chrono::Utc::now().naive_utc();
    if let Some(samples) = args.time_candidate_search {
        let policy = hulpmarkt::services::matching::Policy::from_settings(settings);
        let started = std::time::Instant::now();
        let offers = policy.offers.load(&mut conn)?;
        println!(
            "offer index: {offers} active offers loaded in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        let (mut micros, mean) =
            seed::time_candidate_search(&mut conn, &gazetteer, samples, now, &policy)?;
        micros.sort_unstable();
        let at = |q: f64| micros[((micros.len() - 1) as f64 * q).round() as usize] as f64 / 1000.0;
        println!(
            "candidate search: {samples} searches, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, \
             {mean:.0} candidates on average",
            at(0.5),
            at(0.99),
            at(1.0)
        );
        return Ok(());
    }
    let plan = seed::SeedPlan {
        offers: args.offers,
        requests: args.requests,
        password: args.password,
        sample_owners: args.sample_owners,
        seed: args.seed,
    };
    let mut sample = std::io::BufWriter::new(std::fs::File::create(&args.sample_file)?);
    let report = seed::seed(&mut conn, &gazetteer, &plan, now, &mut sample)?;
    std::io::Write::flush(&mut sample)?;
    println!("{report:?}");
    Ok(())
}
