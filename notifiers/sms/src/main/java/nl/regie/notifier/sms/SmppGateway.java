package nl.regie.notifier.sms;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import nl.regie.notifiers.delivery.DeliveryBook;
import nl.regie.notifiers.delivery.Outbox;

import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.InvalidDeliveryReceiptException;

/**
 * Hands messages to an SMS gateway (SMSC) over SMPP 3.4 with jsmpp: one transceiver session, bound when the first
 * message goes and bound again after the connection is lost, so delivery receipts come back on the same session.
 * Each message asks for a receipt (success and failure); receipts go to the {@link DeliveryBook}. Texts are UCS-2:
 * up to 70 characters in {@code short_message}, longer ones whole in the {@code message_payload} parameter (the
 * gateway splits them). A gateway that is down, drops the session or answers with an error status throws.
 */
final class SmppGateway implements Outbox.Gateway, AutoCloseable {

    /** A phone number as the contacts file holds it: international, E.164. */
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    /** An alphanumeric sender (a name such as {@code Gemeente}): at most 11 characters. */
    private static final Pattern ALPHANUMERIC_SENDER = Pattern.compile("[A-Za-z0-9 ]{1,11}");
    private static final int SHORT_MESSAGE_CHARS = 70;

    private final SmsSettings settings;
    private final String password;
    private final DeliveryBook book;
    /** Only the outbox thread binds and sends (guarded by this); {@link #close} may come from another at any time. */
    private volatile SMPPSession session;
    private volatile boolean closed;

    SmppGateway(SmsSettings settings, String password, DeliveryBook book) {
        this.settings = settings;
        this.password = password;
        this.book = book;
    }

    @Override
    public synchronized String send(Outbox.Message message) throws Exception {
        SMPPSession bound = bound();
        byte[] text = message.text().getBytes(StandardCharsets.UTF_16BE);
        boolean fits = message.text().length() <= SHORT_MESSAGE_CHARS;
        OptionalParameter[] payload = fits ? new OptionalParameter[0]
                : new OptionalParameter[] {new OptionalParameter.Message_payload(text)};
        try {
            return bound.submitShortMessage("", senderTon(), senderNpi(), settings.sender(),
                    TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, message.to().address().substring(1),
                    new ESMClass(), (byte) 0, (byte) 1, null, null,
                    new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
                    new GeneralDataCoding(Alphabet.ALPHA_UCS2), (byte) 0, fits ? text : new byte[0], payload)
                    .getMessageId();
        } catch (NegativeResponseException e) {
            throw new IOException("gateway refused the message: " + e.getMessage());
        } catch (IOException | ResponseTimeoutException | InvalidResponseException | PDUException e) {
            drop();
            throw e;
        }
    }

    /**
     * Unbinds and closes the session without waiting for a send in progress, which then fails at once, and binds no
     * more: the plugin is stopping.
     */
    @Override
    public void close() {
        closed = true;
        SMPPSession open = session;
        if (open != null) {
            open.unbindAndClose();
        }
    }

    /** What is wrong with a phone number, or null when it is an international number ({@code +31612345678}). */
    static String check(String address) {
        return E164.matcher(address).matches() ? null
                : "a phone number must be international: + and 7 to 15 digits, the country code first";
    }

    /** What is wrong with a sender, or null: a phone number as {@link #check} wants, or up to 11 letters and digits. */
    static String checkSender(String sender) {
        return E164.matcher(sender).matches() || ALPHANUMERIC_SENDER.matcher(sender).matches() ? null
                : "the sender must be an international phone number or 1 to 11 letters, digits and spaces";
    }

    private SMPPSession bound() throws IOException {
        if (closed) {
            throw new IOException("the SMS notifier is stopping");
        }
        if (session != null && session.getSessionState().isBound()) {
            return session;
        }
        drop();
        SMPPSession fresh = new SMPPSession();
        fresh.setTransactionTimer(settings.timeoutMillis());
        fresh.setEnquireLinkTimer(settings.enquireLinkMillis());
        fresh.setMessageReceiverListener(new Receipts());
        try {
            fresh.connectAndBind(settings.host(), settings.port(), new BindParameter(BindType.BIND_TRX,
                    settings.systemId(), password, settings.systemType(), TypeOfNumber.UNKNOWN,
                    NumberingPlanIndicator.UNKNOWN, null), settings.timeoutMillis());
        } catch (IOException e) {
            fresh.close();
            throw new IOException("cannot bind to SMS gateway " + settings.host() + ":" + settings.port() + " as "
                    + settings.systemId() + ": " + e.getMessage(), e);
        }
        session = fresh;
        if (closed) { // closed while binding: close() did not see this session
            fresh.unbindAndClose();
            throw new IOException("the SMS notifier is stopping");
        }
        return fresh;
    }

    private void drop() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    private TypeOfNumber senderTon() {
        return settings.sender().startsWith("+") ? TypeOfNumber.INTERNATIONAL : TypeOfNumber.ALPHANUMERIC;
    }

    private NumberingPlanIndicator senderNpi() {
        return settings.sender().startsWith("+") ? NumberingPlanIndicator.ISDN : NumberingPlanIndicator.UNKNOWN;
    }

    /**
     * Takes the gateway's deliver_sm: a delivery receipt goes to the book; anything else (a resident's reply) is
     * acknowledged and dropped unread: it holds a phone number and is not this plugin's to keep.
     */
    private final class Receipts implements MessageReceiverListener {

        @Override
        public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
            if (!deliverSm.isSmscDeliveryReceipt()) {
                return;
            }
            DeliveryReceipt receipt;
            try {
                receipt = deliverSm.getShortMessageAsDeliveryReceipt();
            } catch (InvalidDeliveryReceiptException e) {
                return; // acknowledged: a gateway would only send it again
            }
            DeliveryReceiptState state = receipt.getFinalStatus();
            book.receipt(receipt.getId(), state == DeliveryReceiptState.DELIVRD,
                    state + (receipt.getError() == null ? "" : " err " + receipt.getError()));
        }

        @Override
        public void onAcceptAlertNotification(AlertNotification alertNotification) {
            // the gateway says a phone is reachable again: nothing to do, the gateway retries its own queue
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("data_sm is not taken", 0x00000003); // ESME_RINVCMDID
        }
    }
}
