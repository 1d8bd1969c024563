# Multi-stage build: compile in the Rust image, run in a slim Debian with only libpq.
FROM rust:1-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY templates ./templates
COPY migrations ./migrations
COPY data ./data
COPY benches ./benches
RUN cargo build --release --locked --bin hulpmarkt

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/hulpmarkt --create-home hulpmarkt
COPY --from=build /src/target/release/hulpmarkt /usr/local/bin/hulpmarkt
USER hulpmarkt
WORKDIR /var/lib/hulpmarkt
ENV HULPMARKT_BIND=0.0.0.0:8080 \
    HULPMARKT_LOG_FORMAT=json \
    DATABASE_URL=sqlite:///var/lib/hulpmarkt/hulpmarkt.db
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/hulpmarkt"]
CMD ["serve"]
