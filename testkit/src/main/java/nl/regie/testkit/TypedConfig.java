package nl.regie.testkit;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A component's typed configuration (its {@code @ObjectClassDefinition} annotation type, as DS hands it to the
 * component) from property names and values, as DS maps them (OSGi Compendium 112.8.2): a method {@code full_threshold}
 * reads the property {@code full.threshold} ({@code __} stands for {@code _}, {@code $$} for {@code $}, a single
 * {@code $} for nothing); a property not given takes the method's default; a value is converted to the method's type
 * (a text to a number, one value to an array, a list to an array).
 */
final class TypedConfig {

    private TypedConfig() {
    }

    static <A> A of(Class<A> type, Map<String, ?> properties) {
        if (!type.isAnnotation()) {
            throw new IllegalArgumentException(type.getName() + " is not a configuration annotation type");
        }
        Set<String> known = new HashSet<>();
        for (Method method : type.getDeclaredMethods()) {
            known.add(propertyName(method.getName()));
        }
        for (String key : properties.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(type.getSimpleName() + " has no property '" + key + "'; it has " + known);
            }
        }
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            switch (method.getName()) {
                case "annotationType":
                    return type;
                case "toString":
                    return type.getSimpleName() + properties;
                case "hashCode":
                    return properties.hashCode();
                case "equals":
                    return self == args[0];
                default:
                    break;
            }
            String name = propertyName(method.getName());
            Object value = properties.containsKey(name) ? properties.get(name) : method.getDefaultValue();
            return convert(value, method.getReturnType(), name);
        });
        return type.cast(proxy);
    }

    /** DS's mapping of a method name to a property name. */
    static String propertyName(String method) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c == '$') {
                if (i + 1 < method.length() && method.charAt(i + 1) == '$') {
                    out.append('$');
                    i++;
                }
            } else if (c == '_') {
                if (i + 1 < method.length() && method.charAt(i + 1) == '_') {
                    out.append('_');
                    i++;
                } else {
                    out.append('.');
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Object convert(Object value, Class<?> type, String name) {
        if (value == null) {
            return type.isArray() ? Array.newInstance(type.getComponentType(), 0) : null;
        }
        if (type.isArray()) {
            List<?> values = value instanceof Collection<?> c ? List.copyOf(c)
                    : value.getClass().isArray() ? arrayToList(value) : List.of(value);
            Object array = Array.newInstance(type.getComponentType(), values.size());
            for (int i = 0; i < values.size(); i++) {
                Array.set(array, i, convert(values.get(i), type.getComponentType(), name));
            }
            return array;
        }
        if (value instanceof Collection<?> c) {
            return c.isEmpty() ? null : convert(c.iterator().next(), type, name);
        }
        String text = String.valueOf(value).trim();
        try {
            if (type == String.class) {
                return String.valueOf(value);
            } else if (type == int.class || type == Integer.class) {
                return value instanceof Number n ? n.intValue() : Integer.parseInt(text);
            } else if (type == long.class || type == Long.class) {
                return value instanceof Number n ? n.longValue() : Long.parseLong(text);
            } else if (type == double.class || type == Double.class) {
                return value instanceof Number n ? n.doubleValue() : Double.parseDouble(text);
            } else if (type == float.class || type == Float.class) {
                return value instanceof Number n ? n.floatValue() : Float.parseFloat(text);
            } else if (type == boolean.class || type == Boolean.class) {
                return value instanceof Boolean b ? b : Boolean.parseBoolean(text);
            } else if (type.isEnum()) {
                @SuppressWarnings({"unchecked", "rawtypes"})
                Object constant = Enum.valueOf((Class<? extends Enum>) type, text);
                return constant;
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("property '" + name + "': " + value + " is not a " + type.getSimpleName(), e);
        }
        throw new IllegalArgumentException("property '" + name + "' has a type DS does not convert to: " + type);
    }

    private static List<Object> arrayToList(Object array) {
        int length = Array.getLength(array);
        Object[] values = new Object[length];
        for (int i = 0; i < length; i++) {
            values[i] = Array.get(array, i);
        }
        return List.of(values);
    }
}
