package net.dta.deployment;

import java.util.HashMap;
import java.util.Map;

import net.dta.common.config.Fields;
import net.dta.protocol.Addresses;

/** Detects an entry of a list whose value of one field repeats an earlier entry's, naming both. */
final class Unique<T> {
    private final String list;
    private final String key;
    private final String rule;
    private final Map<T, Integer> first = new HashMap<>();

    /**
     * @param list the list's field ({@code collectors})
     * @param key the field that must differ ({@code name})
     * @param rule why, as the end of the message
     */
    Unique(String list, String key, String rule) {
        this.list = list;
        this.key = key;
        this.rule = rule;
    }

    void add(Fields f, int index, T value) {
        if (value == null) {
            return;
        }
        Integer at = first.putIfAbsent(value, index);
        if (at != null) {
            String shown = value instanceof Integer v && key.equals("address") ? Addresses.formatIpv4(v) : String.valueOf(value);
            f.problem(key, shown + " is already the " + key + " of " + list + "[" + at + "]; " + rule);
        }
    }
}
