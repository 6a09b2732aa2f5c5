package net.dta.deployment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.dta.common.config.ConfigNode;
import net.dta.common.config.Fields;

/**
 * A store's {@code buckets}: which collector holds each of the 256 buckets of its keys (the
 * key-to-collector mapping of docs/deployment.md).
 */
final class BucketsBinder {
    private static final Pattern BUCKET_RANGE = Pattern.compile("(\\d{1,3})(?:\\s*-\\s*(\\d{1,3}))?");

    private final Binding binding;
    private final Set<String> collectorNames;

    BucketsBinder(Binding binding, Set<String> collectorNames) {
        this.binding = binding;
        this.collectorNames = collectorNames;
    }

    /**
     * The bucket map: absent = {@code bucket mod n} over the store's collectors; a list of 256
     * collector names; or a mapping of bucket ranges ({@code "0-127": c1}) covering all 256.
     */
    List<String> bind(Fields f, List<String> members) {
        ConfigNode node = f.node("buckets");
        String[] map = new String[BucketMap.BUCKETS];
        if (node == null || node instanceof ConfigNode.Scalar s && s.type() == ConfigNode.Scalar.Type.NULL) {
            if (members.isEmpty()) {
                return null;
            }
            for (int b = 0; b < map.length; b++) {
                map[b] = members.get(b % members.size());
            }
            return Arrays.asList(map);
        }
        String field = f.field("buckets");
        boolean ok = true;
        if (node instanceof ConfigNode.Sequence seq) {
            if (seq.items().size() != BucketMap.BUCKETS) {
                f.problem("buckets", "a list bucket map names exactly 256 collectors (bucket 0 first), got "
                        + seq.items().size() + " entries; or use ranges like \"0-127\": c1");
                return null;
            }
            for (int b = 0; b < map.length; b++) {
                ConfigNode item = seq.items().get(b);
                String n = bucketTarget(item, field + "[" + b + "]", members);
                ok &= n != null;
                map[b] = n;
            }
        } else if (node instanceof ConfigNode.Mapping m) {
            for (ConfigNode.Entry e : m.entries().values()) {
                String where = field + "." + e.key();
                Matcher r = BUCKET_RANGE.matcher(e.key().strip());
                int lo = -1;
                int hi = -1;
                if (r.matches()) {
                    lo = Integer.parseInt(r.group(1));
                    hi = r.group(2) == null ? lo : Integer.parseInt(r.group(2));
                }
                if (lo < 0 || hi > 255 || lo > hi) {
                    binding.problem(e.keyLine(), e.keyColumn(), where,
                            "must be a bucket (0..255) or a range of buckets like \"0-127\", got \"" + e.key() + "\"");
                    ok = false;
                    continue;
                }
                String n = bucketTarget(e.value(), where, members);
                if (n == null) {
                    ok = false;
                    continue;
                }
                for (int b = lo; b <= hi; b++) {
                    if (map[b] != null) {
                        binding.problem(e.keyLine(), e.keyColumn(), where,
                                "bucket " + b + " is already mapped (to " + map[b] + "); each bucket goes to one collector");
                        ok = false;
                        break;
                    }
                    map[b] = n;
                }
            }
            if (ok) {
                List<String> missing = missingRanges(map);
                if (!missing.isEmpty()) {
                    f.problem("buckets", "buckets " + String.join(", ", missing) + " are not mapped: every bucket needs a "
                            + "collector (reports in an unmapped bucket would be dropped); add them");
                    ok = false;
                }
            }
        } else {
            f.problem("buckets", "expected a mapping of bucket ranges to collectors (\"0-127\": c1) or a list of 256 "
                    + "collector names, got " + node.describe());
            return null;
        }
        return ok ? Arrays.asList(map) : null;
    }

    private String bucketTarget(ConfigNode value, String where, List<String> members) {
        if (!(value instanceof ConfigNode.Scalar s) || s.type() == ConfigNode.Scalar.Type.NULL) {
            binding.problem(value.line(), value.column(), where, "expected a collector name, got " + value.describe());
            return null;
        }
        String n = s.text();
        if (!collectorNames.contains(n)) {
            binding.problem(s.line(), s.column(), where, "no collector named \"" + n + "\"" + Binding.hint(collectorNames));
            return null;
        }
        if (!members.contains(n)) {
            binding.problem(s.line(), s.column(), where, "collector " + n
                    + " does not hold this store (its collectors are " + String.join(", ", members) + "); add it to the store's collectors");
            return null;
        }
        return n;
    }

    private static List<String> missingRanges(String[] map) {
        List<String> out = new ArrayList<>();
        int b = 0;
        while (b < map.length) {
            if (map[b] != null) {
                b++;
                continue;
            }
            int start = b;
            while (b < map.length && map[b] == null) {
                b++;
            }
            out.add(start == b - 1 ? Integer.toString(start) : start + "-" + (b - 1));
        }
        return out;
    }
}
