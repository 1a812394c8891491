package nl.regie.launcher.broker;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import nl.regie.mqtt.access.AccessRules;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.Authorizer;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.session.ClientService;

/**
 * Regie's authentication extension for the embedded HiveMQ, through HiveMQ's extension SDK, the supported way: an
 * embedded extension ({@link #embedded}) with an authenticator and an authorizer that ask {@link BrokerAccess}. With
 * an authenticator registered, HiveMQ lets no client in that it has not approved; with an authorizer, no publish (a
 * will included, at login) and no subscription. A refused login gets MQTT's "not authorized" or "bad user name or
 * password"; a refused publish "not authorized" in its acknowledgement (an MQTT 3 client is disconnected, as MQTT 3
 * has no such answer); a refused subscription "not authorized" in the SUBACK. A device whose password is revoked is
 * disconnected. Every second, on HiveMQ's extension executor, the password file is looked at again.
 */
final class AccessExtension implements ExtensionMain {

    private static final long CHECK_EVERY_MILLIS = 1_000;

    private final BrokerAccess access;
    private Future<?> check;

    private AccessExtension(BrokerAccess access) {
        this.access = Objects.requireNonNull(access, "access");
    }

    /** The extension, for {@code EmbeddedHiveMQ.builder().withEmbeddedExtension(...)}. */
    static EmbeddedExtension embedded(BrokerAccess access) {
        return EmbeddedExtension.builder()
                .withId("regie-access")
                .withName("Regie device access")
                .withVersion("1")
                .withAuthor("Regie")
                .withPriority(1_000)
                .withStartPriority(1_000)
                .withExtensionMain(new AccessExtension(access))
                .build();
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        ClientService clients = Services.clientService();
        access.onRevoked(device -> clients.disconnectClient(device, false, DisconnectReasonCode.NOT_AUTHORIZED,
                "the device's credentials were revoked"));
        SimpleAuthenticator authenticator = this::authenticate;
        Authorizer authorizer = new Checks();
        Services.securityRegistry().setAuthenticatorProvider(provider -> authenticator);
        Services.securityRegistry().setAuthorizerProvider(provider -> authorizer);
        access.check();
        check = Services.extensionExecutorService().scheduleWithFixedDelay(access::check, CHECK_EVERY_MILLIS,
                CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        Future<?> running = check;
        if (running != null) {
            running.cancel(false);
        }
    }

    private void authenticate(SimpleAuthInput input, SimpleAuthOutput output) {
        ConnectPacket connect = input.getConnectPacket();
        BrokerAccess.Login login = access.login(input.getClientInformation().getClientId(),
                connect.getUserName().orElse(null), connect.getPassword().map(AccessExtension::bytes).orElse(null));
        switch (login.outcome()) {
            case ALLOWED -> output.authenticateSuccessfully();
            case BAD_LOGIN -> output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, login.reason());
            case NO_LOGIN, NOT_ALLOWED -> output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, login.reason());
            default -> throw new IllegalStateException(login.outcome().name());
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** Every publish and subscription, to the rules. */
    private final class Checks implements PublishAuthorizer, SubscriptionAuthorizer {

        @Override
        public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
            AccessRules.Verdict verdict = access.publish(input.getClientInformation().getClientId(), input.getPublishPacket().getTopic());
            if (verdict.allowed()) {
                output.authorizeSuccessfully();
            } else {
                output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, verdict.reason());
            }
        }

        @Override
        public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
            AccessRules.Verdict verdict = access.subscribe(input.getClientInformation().getClientId(),
                    input.getSubscription().getTopicFilter());
            if (verdict.allowed()) {
                output.authorizeSuccessfully();
            } else {
                output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, verdict.reason());
            }
        }
    }
}
