package net.dta.deployment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import net.dta.common.config.ConfigNode;
import net.dta.common.config.Fields;

/** Names in a deployment file: lists of names that refer to entries (the rule of a name is {@link Fields#name}). */
final class Names {

    private final Binding binding;

    Names(Binding binding) {
        this.binding = binding;
    }

    /**
     * A list of names of {@code what} entries, each of them in {@code known}, none twice; absent
     * means {@code all}.
     */
    List<String> list(Fields f, String key, Collection<String> known, List<String> all, String what) {
        ConfigNode node = f.node(key);
        if (node == null || node instanceof ConfigNode.Scalar s && s.type() == ConfigNode.Scalar.Type.NULL) {
            return all;
        }
        if (!(node instanceof ConfigNode.Sequence seq)) {
            f.problem(key, "expected a list of " + what + " names like [c1, c2], got " + node.describe());
            return List.of();
        }
        if (seq.items().isEmpty()) {
            f.problem(key, "the list is empty; name at least one " + what + " (or leave the field out for all of them)");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            ConfigNode item = seq.items().get(i);
            String where = f.field(key) + "[" + i + "]";
            if (!(item instanceof ConfigNode.Scalar s) || s.type() == ConfigNode.Scalar.Type.NULL) {
                binding.problem(item.line(), item.column(), where, "expected a " + what + " name, got " + item.describe());
                continue;
            }
            if (!known.contains(s.text())) {
                binding.problem(s.line(), s.column(), where, "no " + what + " named \"" + s.text() + "\"" + Binding.hint(known));
                continue;
            }
            if (out.contains(s.text())) {
                binding.problem(s.line(), s.column(), where, s.text() + " is listed twice; list each " + what + " once");
                continue;
            }
            out.add(s.text());
        }
        return out;
    }
}
