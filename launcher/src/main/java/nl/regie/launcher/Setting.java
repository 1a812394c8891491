package nl.regie.launcher;

/**
 * One option's value as given, and where it came from, for error messages: {@code --http-port} or
 * {@code http-port in /etc/regie.properties}.
 */
record Setting(String value, String origin) {
}
