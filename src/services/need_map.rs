//! The municipality's figures as the dashboard shows them besides the statistics: an SVG map
//! of the requests still waiting per PC4, drawn here from the shipped PC4 coordinates (no map
//! tiles, nothing from elsewhere), and a CSV of the same figures.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::statistics::MunicipalityStatistics;
use crate::geo::Gazetteer;

/// The map's drawing area, in SVG units.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 420.0;
const MARGIN: f64 = 24.0;

/// An SVG map of `waiting` (requests still waiting per PC4) over every PC4 area of
/// `municipality`: a grey dot per area, a red circle whose area grows with the count where
/// need waits, labelled with the count. `title` names the map for screen readers; the page
/// gives the same figures as a table.
pub fn need_map(
    gazetteer: &Gazetteer,
    municipality: &str,
    waiting: &BTreeMap<String, u64>,
    title: &str,
) -> String {
    let areas: Vec<(String, f64, f64)> = gazetteer
        .postcodes()
        .filter(|a| a.municipality_code.as_str() == municipality)
        .map(|a| (format!("{:04}", a.pc4), a.lat, a.lon))
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         role=\"img\" aria-labelledby=\"kaart-titel\" class=\"map\"><title id=\"kaart-titel\">{}</title>\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#f3f4f6\"/>",
        escape(title)
    );
    if areas.is_empty() {
        svg.push_str("</svg>");
        return svg;
    }
    let (mut south, mut north, mut west, mut east) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (_, lat, lon) in &areas {
        (south, north) = (south.min(*lat), north.max(*lat));
        (west, east) = (west.min(*lon), east.max(*lon));
    }
    // Equirectangular with the longitude shortened by cos(latitude): true to shape at the
    // scale of one municipality.
    let squeeze = ((south + north) / 2.0).to_radians().cos();
    let span_x = ((east - west) * squeeze).max(0.01);
    let span_y = (north - south).max(0.01);
    let scale = ((WIDTH - 2.0 * MARGIN) / span_x).min((HEIGHT - 2.0 * MARGIN) / span_y);
    let at = |lat: f64, lon: f64| {
        (
            MARGIN + (lon - west) * squeeze * scale,
            HEIGHT - MARGIN - (lat - south) * scale,
        )
    };
    let most = waiting.values().copied().max().unwrap_or(1).max(1) as f64;
    for (pc4, lat, lon) in &areas {
        let (x, y) = at(*lat, *lon);
        let _ = write!(svg, "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#6b7280\"><title>{pc4}</title></circle>");
    }
    for (pc4, lat, lon) in &areas {
        let Some(&n) = waiting.get(pc4).filter(|n| **n > 0) else {
            continue;
        };
        let (x, y) = at(*lat, *lon);
        let r = 6.0 + 18.0 * (n as f64 / most).sqrt();
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"#8a1c1c\" fill-opacity=\"0.75\" \
             stroke=\"#ffffff\"><title>{pc4}: {n}</title></circle>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"700\" \
             fill=\"#ffffff\">{n}</text>",
            y + 4.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A bar chart of the open cases at each point of `trend`: one bar per day with its count
/// above it and every few days' date below. `title` names the chart for screen readers; the
/// page gives the same figures as a table.
pub fn trend_chart(
    trend: &[super::case_trend::TrendPoint],
    title: &str,
    day_label: impl Fn(chrono::NaiveDate) -> String,
) -> String {
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} 240\" \
         role=\"img\" aria-labelledby=\"trend-titel\" class=\"map\"><title id=\"trend-titel\">{}</title>\
         <rect width=\"{WIDTH}\" height=\"240\" fill=\"#f3f4f6\"/>",
        escape(title)
    );
    let most = trend.iter().map(|p| p.total()).max().unwrap_or(0).max(1) as f64;
    let slot = (WIDTH - 2.0 * MARGIN) / trend.len().max(1) as f64;
    let (base, tall) = (200.0, 160.0);
    let label_every = trend.len().div_ceil(8).max(1);
    for (i, point) in trend.iter().enumerate() {
        let n = point.total();
        let h = tall * n as f64 / most;
        let x = MARGIN + slot * i as f64 + slot * 0.15;
        let w = slot * 0.7;
        let day = day_label(point.day);
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"#1f4e79\">\
             <title>{}: {n}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1f2937\">{n}</text>",
            base - h,
            escape(&day),
            x + w / 2.0,
            base - h - 4.0
        );
        if i % label_every == 0 || i + 1 == trend.len() {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1f2937\">{}</text>",
                x + w / 2.0,
                base + 16.0,
                escape(&day)
            );
        }
    }
    let _ = write!(
        svg,
        "<line x1=\"{MARGIN}\" y1=\"{base}\" x2=\"{:.1}\" y2=\"{base}\" stroke=\"#1f2937\"/></svg>",
        WIDTH - MARGIN
    );
    svg
}

/// `text` safe inside SVG text and attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The figures as CSV (`figure,key,value`), the same the dashboard shows.
pub fn csv(
    stats: &MunicipalityStatistics,
    waiting: &BTreeMap<String, u64>,
    times: &super::statistics::CaseTimes,
    trend: &[super::case_trend::TrendPoint],
) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut row = |figure: &str, key: &str, value: String| {
        let _ = out.write_record([figure, key, value.as_str()]);
    };
    row("figure", "key", "value".into());
    row("municipality", "", stats.municipality_code.clone());
    row(
        "from",
        "",
        stats.from.map(|d| d.to_string()).unwrap_or_default(),
    );
    row("to", "", stats.to.to_string());
    row("total_requests", "", stats.total_requests.to_string());
    row("matched_requests", "", stats.matched_requests.to_string());
    let number = |v: Option<f64>| v.map(|v| format!("{v:.3}")).unwrap_or_default();
    row("match_rate", "", number(stats.match_rate));
    row(
        "median_hours_to_match",
        "",
        number(stats.median_hours_to_match),
    );
    row(
        "escalated_requests",
        "",
        stats.escalated_requests.to_string(),
    );
    row("cases_opened", "", times.opened.to_string());
    row(
        "median_hours_to_claim",
        "",
        number(times.median_hours_to_claim),
    );
    row(
        "median_hours_to_resolve",
        "",
        number(times.median_hours_to_resolve),
    );
    for (domain, statuses) in &stats.by_domain {
        for (status, n) in statuses {
            row(
                "requests_by_domain_status",
                &format!("{domain}/{status}"),
                n.to_string(),
            );
        }
    }
    for (reason, share) in &stats.escalated_by_reason {
        row("escalated_by_reason", reason, share.count.to_string());
    }
    for s in &stats.supply_demand {
        row("active_offers", &s.category, s.active_offers.to_string());
        row("waiting_requests", &s.category, s.open_requests.to_string());
    }
    for (pc4, n) in waiting {
        row("waiting_requests_pc4", pc4, n.to_string());
    }
    for point in trend {
        let day = point.day.to_string();
        row("open_cases", &day, point.total().to_string());
        for (domain, n) in &point.by_domain {
            row(
                "open_cases_by_domain",
                &format!("{day}/{domain}"),
                n.to_string(),
            );
        }
        for (reason, n) in &point.by_reason {
            row(
                "open_cases_by_reason",
                &format!("{day}/{reason}"),
                n.to_string(),
            );
        }
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_draws_every_area_and_a_labelled_circle_where_need_waits() {
        let gazetteer = Gazetteer::load().expect("the shipped reference data");
        let waiting = BTreeMap::from([("1012".to_owned(), 3), ("1102".to_owned(), 1)]);
        let svg = need_map(&gazetteer, "GM0363", &waiting, "Kaart <Amsterdam>");
        let areas = gazetteer
            .postcodes()
            .filter(|a| a.municipality_code.as_str() == "GM0363")
            .count();
        assert!(areas > 50, "{areas}");
        assert_eq!(svg.matches("r=\"3\"").count(), areas);
        assert!(svg.contains("<title>1012: 3</title>") && svg.contains("<title>1102: 1</title>"));
        assert!(svg.contains("Kaart &lt;Amsterdam&gt;") && svg.ends_with("</svg>"));
    }

    #[test]
    fn the_trend_chart_draws_a_bar_per_day_with_its_count() {
        use crate::domain::{EscalationReason, LawDomain};
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d).expect("a date");
        let point = |d, n| super::super::case_trend::TrendPoint {
            day: day(d),
            by_domain: BTreeMap::from([(LawDomain::Wmo, n)]),
            by_reason: BTreeMap::from([(EscalationReason::Declined, n)]),
        };
        let trend = [point(15, 2), point(22, 0), point(29, 4)];
        let svg = trend_chart(&trend, "Open <zaken>", |d| d.format("%d-%m").to_string());
        assert_eq!(svg.matches("<rect ").count(), 1 + 3);
        assert!(svg.contains("<title>15-11: 2</title>") && svg.contains("<title>29-11: 4</title>"));
        // The tallest bar fills the chart's height; an empty day has no height.
        assert!(svg.contains("height=\"160.0\"") && svg.contains("height=\"0.0\""));
        assert!(svg.contains("Open &lt;zaken&gt;") && svg.ends_with("</svg>"));
        let csv = csv(
            &MunicipalityStatistics::default(),
            &BTreeMap::new(),
            &super::super::statistics::CaseTimes::default(),
            &trend,
        );
        assert!(csv.contains("open_cases,2026-11-29,4"), "{csv}");
        assert!(
            csv.contains("open_cases_by_domain,2026-11-15/wmo,2"),
            "{csv}"
        );
        assert!(
            csv.contains("open_cases_by_reason,2026-11-29/declined,4"),
            "{csv}"
        );
    }
}
