package nl.regie.runtime.spi.access;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The caller of an HTTP request: the web bundle's access filter puts it in the request attribute {@value #ATTRIBUTE}
 * after it checked the bearer token, so a servlet of another bundle behind the same filter asks it, rather than
 * reading tokens itself: {@code request.getAttribute(HttpCaller.ATTRIBUTE) instanceof HttpCaller caller}. The scopes are the web bundle's ({@code read:<Type>}, {@code publish:<Type>},
 * {@code operator}, ...); a servlet asks only these questions.
 */
@ProviderType
public interface HttpCaller {

    /** The request attribute that holds the caller. */
    String ATTRIBUTE = "nl.regie.access.caller";

    /** The token's name, for the audit log and the source of what it publishes. */
    String name();

    /** The party the token acts for; empty for the operator. */
    String party();

    /** Whether it sees and may do everything, unfiltered. */
    boolean operator();

    /** Whether it may read entities of this type. */
    boolean mayRead(String entityType);

    /** Whether it may publish (create, update, delete) entities of this type. */
    boolean mayPublish(String entityType);

    /** Whether it may publish some entity type. */
    boolean mayPublishAny();

    /**
     * An opaque fingerprint of the token as it was configured when the request came: its name, party, scopes and
     * secret. What a request made lasts beyond it (a live stream, a subscription) keeps it, and asks
     * {@link HttpCallers#inForce} whether the token still stands. Empty for the operator.
     */
    String grant();

}
