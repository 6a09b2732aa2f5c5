package net.dta.deployment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import net.dta.common.config.ConfigNode;
import net.dta.common.config.ConfigProblem;
import net.dta.common.config.Fields;
import net.dta.common.config.HostPort;
import net.dta.common.security.ClientSecurity;

/**
 * What every section binder of a deployment file shares: the file's name (for messages), its
 * directory (relative paths resolve against it) and the list of problems found so far.
 */
record Binding(String file, Path baseDir, List<ConfigProblem> problems) {
    /** A reader of the mapping at {@code path} (e.g. {@code collectors[2]}). */
    Fields fields(String path, ConfigNode node) {
        return Fields.of(file, path, node, problems);
    }

    /** A problem located at a node that is not a field of a mapping (a list item, a mapping key). */
    void problem(int line, int column, String where, String message) {
        problems.add(new ConfigProblem(file, line, column, where, message));
    }

    /** How many problems so far: a binder compares counts to know whether an entry was clean. */
    int problemCount() {
        return problems.size();
    }

    /** A client-security section (tls-ca, tls-certificate, tls-private-key, token-file; docs/security.md). */
    ClientSecurity clientSecurity(Fields f, String section) {
        Fields sec = f.section(section);
        ClientSecurity security = ClientSecurity.read(sec, baseDir);
        sec.rejectUnknown(section);
        return security;
    }

    /** An optional path that must name an existing file; null when absent or bad (a problem). */
    Path existingFile(Fields f, String key, String what) {
        if (!f.has(key)) {
            return null;
        }
        String text = f.string(key, null, what);
        if (text == null) {
            return null;
        }
        Path p = baseDir.resolve(text).normalize();
        if (!Files.isRegularFile(p)) {
            f.problem(key, "no such file: " + p + " (relative paths are relative to the deployment file's directory)");
            return null;
        }
        return p;
    }

    /** An optional {@code host:port} field (an admin or query endpoint). */
    static HostPort endpoint(Fields f, String key, HostPort defaultValue) {
        return f.parsed(key, defaultValue, false, "host:port with a port 0..65535, like 127.0.0.1:40042", HostPort::parse);
    }

    /** "; the names are: a, b" (or " (there are none)"), appended to a message about an unknown name. */
    static String hint(Collection<String> names) {
        return names.isEmpty() ? " (there are none)" : "; the names are: " + String.join(", ", names);
    }
}
