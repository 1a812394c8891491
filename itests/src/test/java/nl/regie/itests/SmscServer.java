package nl.regie.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.MessageId;

/**
 * An SMS gateway (SMSC) for the notifier test: jsmpp's server side (the jsmpp bundle) on a loopback port. It checks the bind's login, takes
 * submit_sm (or refuses every one, when told), keeps what it took, and after each submit_sm_resp sends a delivery
 * receipt as a deliver_sm: DELIVRD, or UNDELIV for the numbers it is told cannot be reached.
 *
 * <p>The same as notifiers/sms's {@code TestSmsc}, kept in step with it by hand: this one runs inside the framework,
 * in the test probe, which holds this module's test classes only.
 */
final class SmscServer implements ServerMessageReceiverListener, ServerResponseDeliveryListener, AutoCloseable {

    /** One message the gateway took. */
    record Received(String to, String text, String messageId) {
    }

    private final String systemId;
    private final String password;
    private final SMPPServerSessionListener listener;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "test-smsc");
        thread.setDaemon(true);
        return thread;
    });
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(0x1000);
    private final AtomicLong binds = new AtomicLong();
    private volatile boolean refusing;
    private static final int RECEIPT_ATTEMPTS = 3;
    private static final long RECEIPT_RETRY_MILLIS = 200;
    private volatile Set<String> unreachable = Set.of();

    SmscServer(int port, String systemId, String password) throws IOException {
        this.systemId = systemId;
        this.password = password;
        this.listener = new SMPPServerSessionListener(port);
        listener.setMessageReceiverListener(this);
        listener.setResponseDeliveryListener(this);
        workers.execute(this::accept);
    }

    /** Refuse every submit_sm from now on (ESME_RSUBMITFAIL). */
    void refuse() {
        refusing = true;
    }

    /** Numbers (without +) whose receipts say UNDELIV. */
    void unreachable(Set<String> numbers) {
        unreachable = Set.copyOf(numbers);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    long binds() {
        return binds.get();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (SMPPServerSession session : sessions) {
            session.close();
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (true) {
            SMPPServerSession session;
            try {
                session = listener.accept();
            } catch (IOException closed) {
                return;
            }
            sessions.add(session);
            workers.execute(() -> bind(session));
        }
    }

    private void bind(SMPPServerSession session) {
        try {
            BindRequest request = session.waitForBind(5_000);
            if (systemId.equals(request.getSystemId()) && password.equals(request.getPassword())) {
                binds.incrementAndGet();
                request.accept("test-smsc");
            } else {
                request.reject(SMPPConstant.STAT_ESME_RINVPASWD);
            }
        } catch (Exception e) {
            session.close();
        }
    }

    @Override
    public SubmitSmResult onAcceptSubmitSm(SubmitSm submit, SMPPServerSession source) throws ProcessRequestException {
        if (refusing) {
            throw new ProcessRequestException("refused", SMPPConstant.STAT_ESME_RSUBMITFAIL);
        }
        byte[] text = submit.getShortMessage();
        OptionalParameter payload = submit.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD);
        if (payload != null) {
            text = ((OptionalParameter.OctetString) payload).getValue();
        }
        MessageId id;
        try {
            id = new MessageId(Long.toHexString(ids.incrementAndGet()));
        } catch (org.jsmpp.PDUStringException e) {
            throw new ProcessRequestException(e.getMessage(), SMPPConstant.STAT_ESME_RSYSERR);
        }
        received.add(new Received(submit.getDestAddress(), new String(text, StandardCharsets.UTF_16BE), id.getValue()));
        return new SubmitSmResult(id, new OptionalParameter[0]);
    }

    @Override
    public void onSubmitSmRespSent(SubmitSmResult result, SMPPServerSession source) {
        Received message = received.stream().filter(r -> r.messageId().equals(result.getMessageId())).findFirst()
                .orElseThrow();
        boolean delivered = !unreachable.contains(message.to());
        workers.execute(() -> receipt(source, message, delivered));
    }

    private void receipt(SMPPServerSession session, Received message, boolean delivered) {
        Date now = new Date();
        DeliveryReceipt receipt = new DeliveryReceipt(message.messageId(), 1, delivered ? 1 : 0, now, now,
                delivered ? DeliveryReceiptState.DELIVRD : DeliveryReceiptState.UNDELIV, delivered ? "000" : "001", "");
        // As a gateway does, a receipt that was not acknowledged is sent again (a few times, then it is lost).
        for (int attempt = 1; attempt <= RECEIPT_ATTEMPTS; attempt++) {
            try {
                session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, message.to(),
                        TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Gemeente",
                        new ESMClass(MessageMode.DEFAULT, MessageType.SMSC_DEL_RECEIPT, GSMSpecificFeature.DEFAULT),
                        (byte) 0, (byte) 0, new RegisteredDelivery(0), DataCodings.ZERO,
                        receipt.toString().getBytes(StandardCharsets.US_ASCII));
                return;
            } catch (Exception e) {
                // Shown in the test's output, so that a receipt lost in a test says why.
                System.err.println("SmscServer: receipt " + message.messageId() + " attempt " + attempt + " failed: " + e);
                if (!session.getSessionState().isBound()) {
                    return; // the client went away: its receipt is lost, as with a real gateway
                }
                try {
                    Thread.sleep(RECEIPT_RETRY_MILLIS);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void onSubmitSmRespError(SubmitSmResult result, Exception e, SMPPServerSession source) {
    }

    @Override
    public void onSubmitMultiRespSent(SubmitMultiResult result, SMPPServerSession source) {
    }

    @Override
    public void onSubmitMultiRespError(SubmitMultiResult result, Exception e, SMPPServerSession source) {
    }

    @Override
    public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
            throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
            throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
            throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm,
            SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }
}
