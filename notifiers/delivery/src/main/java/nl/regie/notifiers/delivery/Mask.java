package nl.regie.notifiers.delivery;

import java.util.Collection;

/**
 * Masks residents' addresses for logs and delivery records: {@code jan.jansen@example.nl} becomes
 * {@code j***@e***.nl}, {@code +31612345678} becomes {@code +31*******78}. Enough to tell a counter clerk which
 * resident a failure is about when they have the list, too little to contact anyone.
 */
public final class Mask {

    private Mask() {
    }

    /** An e-mail address or phone number, masked. */
    public static String address(String address) {
        int at = address.lastIndexOf('@');
        if (at >= 0) {
            String domain = address.substring(at + 1);
            int dot = domain.lastIndexOf('.');
            String tld = dot >= 0 ? domain.substring(dot) : "";
            return first(address.substring(0, at)) + "***@" + first(domain) + "***" + tld;
        }
        if (address.length() <= 5) {
            return "*".repeat(address.length());
        }
        return address.substring(0, 3) + "*".repeat(address.length() - 5) + address.substring(address.length() - 2);
    }

    /**
     * {@code text} with every address of {@code contacts} in it masked: a gateway's error often repeats the recipient
     * ({@code 550 <jan@example.nl>: no such user}), and its reason goes into logs and records.
     */
    public static String scrub(String text, Collection<Contact> contacts) {
        if (text == null) {
            return "";
        }
        String scrubbed = text;
        for (Contact contact : contacts) {
            if (scrubbed.contains(contact.address())) {
                scrubbed = scrubbed.replace(contact.address(), contact.masked());
            }
        }
        return scrubbed;
    }

    private static String first(String part) {
        return part.isEmpty() ? "" : part.substring(0, 1);
    }
}
