package nl.regie.api.model;

import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The typed value of a reading or command parameter: a number, a boolean or a text, as in SenML's
 * {@code v}, {@code vb} and {@code vs} fields.
 */
@ProviderType
public sealed interface Value permits Value.Number, Value.Bool, Value.Text {

    /** The value as a plain Java object: a {@link Double}, {@link Boolean} or {@link String}. */
    Object asObject();

    /** A number value. */
    static Value of(double number) {
        return new Number(number);
    }

    /** A boolean value. */
    static Value of(boolean bool) {
        return new Bool(bool);
    }

    /** A text value. */
    static Value of(String text) {
        return new Text(text);
    }

    /**
     * A finite number.
     *
     * @param value the number; NaN and infinities are refused
     */
    @ProviderType
    record Number(double value) implements Value {
        /** @throws IllegalArgumentException if the number is NaN or infinite */
        public Number {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("number value must be finite, was " + value);
            }
        }

        @Override
        public Object asObject() {
            return value;
        }
    }

    /**
     * A boolean.
     *
     * @param value the boolean
     */
    @ProviderType
    record Bool(boolean value) implements Value {
        @Override
        public Object asObject() {
            return value;
        }
    }

    /**
     * A text.
     *
     * @param value the text, never null
     */
    @ProviderType
    record Text(String value) implements Value {
        /** @throws NullPointerException if the text is null */
        public Text {
            Objects.requireNonNull(value, "text value is required");
        }

        @Override
        public Object asObject() {
            return value;
        }
    }
}
