package nl.regie.runtime.pub.register;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import nl.regie.runtime.pub.register.SensorRegister.Recipient;
import nl.regie.runtime.pub.register.SensorRegister.Sensor;
import nl.regie.runtime.pub.register.SharedLastDays.Shared;
import nl.regie.runtime.pub.register.SharedLastDays.Summary;

/**
 * The register as residents and programs read it: JSON (as maps, for Jackson), CSV (RFC 4180) and the bilingual page.
 * Plain Java; every text from configuration or devices is escaped for where it goes.
 */
public final class RegisterFormats {

    /** The columns of the CSV export. */
    public static final List<String> CSV_COLUMNS = List.of("device", "type", "longitude", "latitude", "measures",
            "managing_party", "purpose_declared", "purpose_en", "purpose_nl", "legal_basis", "personal_data",
            "recipients", "retention_raw_days", "retention_rollup_days", "contact");

    private RegisterFormats() {
    }

    /** The register as JSON: the sensors, and what was shared in the last 30 days. */
    public static Map<String, Object> json(List<Sensor> sensors, Summary shared, Instant generated) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("generated", generated.toString());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Sensor sensor : sensors) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("device", sensor.device());
            one.put("type", sensor.type());
            one.put("location", sensor.location() == null ? null
                    : List.of(sensor.location().longitude(), sensor.location().latitude()));
            one.put("measures", sensor.measures().stream().map(m -> Map.of("attribute", m.attribute(), "unit",
                    m.unit())).toList());
            one.put("managingParty", sensor.managingParty());
            one.put("purposeDeclared", sensor.purpose() != null);
            if (sensor.purpose() != null) {
                one.put("purpose", Map.of("en", sensor.purpose().purposeEn(), "nl", sensor.purpose().purposeNl()));
                one.put("legalBasis", sensor.purpose().legalBasis());
            } else {
                one.put("purpose", null);
                one.put("legalBasis", null);
            }
            one.put("personalData", sensor.personal());
            List<Map<String, Object>> recipients = new ArrayList<>();
            for (Recipient recipient : sensor.recipients()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("party", recipient.party());
                r.put("remoteSite", recipient.remoteSite());
                r.put("managingParty", recipient.owner());
                r.put("form", form(recipient));
                r.put("personalData", recipient.personal());
                r.put("rules", recipient.rules());
                r.put("plugins", recipient.plugins());
                recipients.add(r);
            }
            one.put("recipients", recipients);
            one.put("retention", sensor.retention() == null ? null : Map.of(
                    "rawDays", sensor.retention().raw().toDays(), "rollupDays", sensor.retention().rollups().toDays()));
            one.put("contact", sensor.contact());
            list.add(one);
        }
        body.put("sensors", list);
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("days", SharedLastDays.PERIOD.toDays());
        last.put("source", "audit log, kind share: readings each party received of another's, summed per hour");
        last.put("truncated", shared.truncated());
        last.put("shared", shared.shared().stream().map(s -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("recipient", s.recipient());
            one.put("owner", s.owner());
            one.put("type", s.type());
            one.put("form", s.form());
            one.put("readings", s.readings());
            return one;
        }).toList());
        body.put("sharedLast30Days", last);
        return body;
    }

    private static String form(Recipient recipient) {
        return recipient.form().name().toLowerCase(Locale.ROOT);
    }

    /** The register as CSV, one sensor a row, with a header row; CRLF line ends (RFC 4180). */
    public static String csv(List<Sensor> sensors) {
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", CSV_COLUMNS)).append("\r\n");
        for (Sensor s : sensors) {
            List<String> row = new ArrayList<>();
            row.add(s.device());
            row.add(s.type());
            row.add(s.location() == null ? "" : Double.toString(s.location().longitude()));
            row.add(s.location() == null ? "" : Double.toString(s.location().latitude()));
            row.add(s.measures().stream().map(m -> m.unit().isEmpty() ? m.attribute() : m.attribute() + " (" + m.unit()
                    + ")").collect(Collectors.joining("; ")));
            row.add(s.managingParty());
            row.add(s.purpose() != null ? "yes" : "no");
            row.add(s.purpose() == null ? "" : s.purpose().purposeEn());
            row.add(s.purpose() == null ? "" : s.purpose().purposeNl());
            row.add(s.purpose() == null ? "" : s.purpose().legalBasis());
            row.add(s.personal() ? "yes" : "no");
            row.add(s.recipients().stream().map(r -> (r.remoteSite() ? "site:" : "") + r.party() + " " + form(r))
                    .collect(Collectors.joining("; ")));
            row.add(s.retention() == null ? "" : Long.toString(s.retention().raw().toDays()));
            row.add(s.retention() == null ? "" : Long.toString(s.retention().rollups().toDays()));
            row.add(s.contact());
            out.append(row.stream().map(RegisterFormats::cell).collect(Collectors.joining(","))).append("\r\n");
        }
        return out.toString();
    }

    /**
     * One CSV cell: quoted when it holds a quote, comma or line end; a text a spreadsheet would run as a formula
     * ({@code = + - @}, tab, carriage return first) gets a leading apostrophe.
     */
    static String cell(String value) {
        String text = value == null ? "" : value;
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 && !isNumber(text)) {
            text = "'" + text;
        }
        if (text.contains("\"") || text.contains(",") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    private static boolean isNumber(String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The page's language: Dutch by default, or English. */
    public enum Language {
        NL, EN;

        /**
         * The language a {@code lang} parameter names.
         *
         * @throws IllegalArgumentException for anything but {@code nl} or {@code en}
         */
        public static Language of(String parameter) {
            if (parameter == null || parameter.equals("nl")) {
                return NL;
            }
            if (parameter.equals("en")) {
                return EN;
            }
            throw new IllegalArgumentException("lang must be 'nl' or 'en', not '" + parameter + "'");
        }

        String pick(String nl, String en) {
            return this == NL ? nl : en;
        }
    }

    /** The page: a map drawn from the sensors' coordinates, then the list, then what was shared in 30 days. */
    public static String html(List<Sensor> sensors, Summary shared, Language lang, Instant generated) {
        StringBuilder out = new StringBuilder(16_384);
        out.append("<!DOCTYPE html>\n<html lang=\"").append(lang.name().toLowerCase(Locale.ROOT)).append("\">\n<head>")
                // No icon: a browser would ask for /favicon.ico, which is not public (401 without a token).
                .append("<meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>")
                .append(lang.pick("Sensorregister", "Sensor register")).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:1em 2em;max-width:70em}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3em;vertical-align:top;")
                .append("text-align:left}svg{border:1px solid #bbb;background:#f4f7fa}.none{color:#a00}</style>")
                .append("</head>\n<body>\n<p><a href=\"?lang=nl\">Nederlands</a> | <a href=\"?lang=en\">English</a>")
                .append(" | <a href=\"sensors.json\">JSON</a> | <a href=\"sensors.csv\">CSV</a></p>\n<h1>")
                .append(lang.pick("Sensorregister", "Sensor register")).append("</h1>\n<p>")
                .append(lang.pick("Welke sensoren er in de stad meten, waarvoor, en wie de gegevens krijgt. Dit register"
                        + " volgt uit wat het systeem afdwingt: het apparatenregister, het deelbeleid van de beheerder"
                        + " en de verklaarde scope van elke plug-in.", "Which sensors measure in the city, what for, and"
                        + " who receives the data. This register follows from what the system enforces: the device"
                        + " registry, the operator's sharing policy and each plug-in's declared scope."))
                .append(" ").append(lang.pick("Opgesteld", "Generated")).append(" ").append(esc(generated.toString()))
                .append(".</p>\n");
        map(out, sensors);
        out.append("<h2>").append(lang.pick("Sensoren", "Sensors")).append(" (").append(sensors.size()).append(")</h2>\n");
        out.append("<table id=\"sensors\">\n<tr><th>").append(lang.pick("Apparaat", "Device")).append("</th><th>")
                .append(lang.pick("Meet", "Measures")).append("</th><th>").append(lang.pick("Beheerder", "Managed by"))
                .append("</th><th>").append(lang.pick("Doel en grondslag", "Purpose and legal basis"))
                .append("</th><th>").append(lang.pick("Persoonsgegevens", "Personal data")).append("</th><th>")
                .append(lang.pick("Ontvangers", "Recipients")).append("</th><th>")
                .append(lang.pick("Bewaartermijn", "Retention")).append("</th><th>")
                .append(lang.pick("Contact", "Contact")).append("</th></tr>\n");
        for (Sensor s : sensors) {
            out.append("<tr id=\"d-").append(esc(s.device())).append("\"><td>").append(esc(s.device())).append("<br>")
                    .append(esc(s.type()));
            if (s.location() != null) {
                out.append(String.format(Locale.ROOT, "<br>%.5f, %.5f", s.location().latitude(),
                        s.location().longitude()));
            }
            out.append("</td><td>").append(s.measures().isEmpty() ? lang.pick("(nog niets gemeld)", "(nothing reported yet)")
                    : s.measures().stream().map(m -> esc(m.attribute()) + (m.unit().isEmpty() ? "" : " (" + esc(m.unit())
                    + ")")).collect(Collectors.joining(", ")));
            out.append("</td><td>").append(esc(s.managingParty())).append("</td><td>");
            if (s.purpose() == null) {
                out.append("<span class=\"none\">").append(lang.pick("Geen doel opgegeven voor dit type",
                        "No purpose declared for this type")).append("</span>");
            } else {
                out.append(esc(lang.pick(s.purpose().purposeNl(), s.purpose().purposeEn()))).append("<br><i>")
                        .append(esc(s.purpose().legalBasis())).append("</i>");
            }
            out.append("</td><td>").append(s.personal() ? lang.pick("ja", "yes") : lang.pick("nee", "no"))
                    .append("</td><td><ul>");
            for (Recipient r : s.recipients()) {
                out.append("<li>").append(r.remoteSite() ? lang.pick("andere stad ", "other site ") : "")
                        .append(esc(r.party())).append(": ").append(formText(r, lang));
                if (r.owner()) {
                    out.append(lang.pick(" (beheerder)", " (managing party)"));
                }
                if (r.personal()) {
                    out.append(lang.pick(", met persoonsgegevens", ", with personal data"));
                }
                if (!r.plugins().isEmpty()) {
                    out.append(" &ndash; ").append(lang.pick("plug-ins: ", "plug-ins: "))
                            .append(r.plugins().stream().map(RegisterFormats::esc).collect(Collectors.joining(", ")));
                }
                out.append("</li>");
            }
            out.append("</ul></td><td>");
            if (s.retention() == null) {
                out.append(lang.pick("geen historie bijgehouden", "no history kept"));
            } else {
                out.append(s.retention().raw().toDays()).append(lang.pick(" dagen ruw, ", " days raw, "))
                        .append(s.retention().rollups().toDays()).append(lang.pick(" dagen per minuut samengevat",
                                " days as one-minute summaries"));
            }
            out.append("</td><td>").append(esc(s.contact())).append("</td></tr>\n");
        }
        out.append("</table>\n<h2>").append(lang.pick("Gedeeld in de laatste 30 dagen", "Shared in the last 30 days"))
                .append("</h2>\n<p>").append(lang.pick("Uit het auditlog: per ontvanger, het aantal metingen van een"
                        + " andere partij, per uur geteld.", "From the audit log: per recipient, the readings of another"
                        + " party it received, counted per hour.")).append("</p>\n");
        if (shared.shared().isEmpty()) {
            out.append("<p id=\"shared-none\">").append(lang.pick("Niets gedeeld in deze periode.",
                    "Nothing shared in this period.")).append("</p>\n");
        } else {
            out.append("<table id=\"shared\"><tr><th>").append(lang.pick("Ontvanger", "Recipient")).append("</th><th>")
                    .append(lang.pick("Van", "From")).append("</th><th>").append(lang.pick("Type", "Type"))
                    .append("</th><th>").append(lang.pick("Vorm", "Form")).append("</th><th>")
                    .append(lang.pick("Metingen", "Readings")).append("</th></tr>\n");
            for (Shared s : shared.shared()) {
                out.append("<tr><td>").append(esc(s.recipient())).append("</td><td>").append(esc(s.owner()))
                        .append("</td><td>").append(esc(s.type())).append("</td><td>").append(esc(s.form()))
                        .append("</td><td>").append(s.readings()).append("</td></tr>\n");
            }
            out.append("</table>\n");
        }
        if (shared.truncated()) {
            out.append("<p>").append(lang.pick("(Alleen de nieuwste records zijn meegeteld.)",
                    "(Only the newest records were counted.)")).append("</p>\n");
        }
        return out.append("</body>\n</html>\n").toString();
    }

    private static String formText(Recipient r, Language lang) {
        return switch (r.form()) {
            case RAW -> lang.pick("ruwe metingen", "raw readings");
            case COARSENED -> lang.pick("locatie vergroofd", "location coarsened");
            case AGGREGATED -> lang.pick("alleen opgeteld per zone", "only summed per zone");
        };
    }

    /** The sensors as dots on an SVG drawn from their coordinates (no map tiles), each linked to its row. */
    private static void map(StringBuilder out, List<Sensor> sensors) {
        List<Sensor> placed = sensors.stream().filter(s -> s.location() != null).toList();
        if (placed.isEmpty()) {
            return;
        }
        double west = placed.stream().mapToDouble(s -> s.location().longitude()).min().orElse(0);
        double east = placed.stream().mapToDouble(s -> s.location().longitude()).max().orElse(0);
        double south = placed.stream().mapToDouble(s -> s.location().latitude()).min().orElse(0);
        double north = placed.stream().mapToDouble(s -> s.location().latitude()).max().orElse(0);
        double xScale = Math.cos(Math.toRadians((north + south) / 2));
        double width = Math.max((east - west) * xScale, 1e-4);
        double height = Math.max(north - south, 1e-4);
        double size = Math.max(width, height);
        out.append("<svg id=\"map\" width=\"600\" height=\"600\" viewBox=\"-20 -20 640 640\" role=\"img\">\n");
        for (Sensor s : placed) {
            double x = (s.location().longitude() - west) * xScale / size * 600;
            double y = (north - s.location().latitude()) / size * 600;
            out.append(String.format(Locale.ROOT, "<a href=\"#d-%s\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\">"
                    + "<title>%s (%s)</title></circle></a>\n", esc(s.device()), x, y, s.personal() ? "#c33" : "#36c",
                    esc(s.device()), esc(s.type())));
        }
        out.append("</svg>\n");
    }

    /** Escapes text for HTML element content and attribute values. */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
