package nl.regie.mqtt.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.Test;

/** Regie's MQTT client sockets: Nagle off; plain TCP reads through a buffer and loses no byte of what arrives in pieces. */
class NoDelaySocketFactoryTest {

    @Test
    void aPlainSocketHasNoDelayAndBufferedInputThatReadsEveryByteInOrder() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket socket = new NoDelaySocketFactory(SocketFactory.getDefault()).createSocket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
            assertTrue(socket.getTcpNoDelay());
            InputStream in = socket.getInputStream();
            assertSame(in, socket.getInputStream(), "one stream for the socket's life");
            try (Socket peer = server.accept()) {
                OutputStream out = peer.getOutputStream();
                byte[] sent = new byte[40_000];
                for (int i = 0; i < sent.length; i++) {
                    sent[i] = (byte) (i * 31);
                }
                // In pieces, as packets arrive: a header byte, a length byte, the rest.
                out.write(sent, 0, 1);
                out.write(sent, 1, 1);
                out.write(sent, 2, sent.length - 2);
                out.flush();
                DataInputStream data = new DataInputStream(in);
                byte[] received = new byte[sent.length];
                received[0] = data.readByte();
                received[1] = data.readByte();
                data.readFully(received, 2, received.length - 2);
                assertArrayEquals(sent, received);
                peer.close();
                assertEquals(-1, in.read(), "the peer's close is seen through the buffer");
            }
        }
    }

    @Test
    void aTlsFactorysSocketIsLeftAsItMakesIt() throws Exception {
        try (Socket socket = new NoDelaySocketFactory(SSLSocketFactory.getDefault()).createSocket()) {
            assertFalse(socket instanceof NoDelaySocketFactory.BufferedInputSocket);
        }
    }
}
