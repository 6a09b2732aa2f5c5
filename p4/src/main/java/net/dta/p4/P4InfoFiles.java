package net.dta.p4;

import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import p4.config.v1.P4InfoOuterClass.P4Info;

/**
 * The P4Info files of the P4 programs (p4/translator, p4/reporter), loaded from the classpath.
 *
 * <p>Parsing is lenient: fields that the P4Runtime classes of this build do not know (a newer
 * p4c writes some, e.g. {@code initial_default_action}) are skipped instead of failing.
 */
public final class P4InfoFiles {
    /** Classpath resources, as the software translator serves them. */
    public static final String TRANSLATOR_V1MODEL = "net/dta/p4/translator/translator.v1model.p4info.txtpb";
    public static final String TRANSLATOR_TNA = "net/dta/p4/translator/translator.tna.p4info.txtpb";
    public static final String REPORTER_V1MODEL = "net/dta/p4/reporter/reporter.v1model.p4info.txtpb";
    public static final String REPORTER_TNA = "net/dta/p4/reporter/reporter.tna.p4info.txtpb";

    private static final TextFormat.Parser LENIENT = TextFormat.Parser.newBuilder()
            .setAllowUnknownFields(true)
            .setAllowUnknownExtensions(true)
            .build();

    /**
     * protobuf logs every skipped field at WARNING on each parse; p4c's current fields are expected
     * (docs/p4.md), so only its errors are logged. Held here so the level setting is not collected.
     */
    private static final java.util.logging.Logger TEXT_FORMAT_LOG = quietTextFormatLog();

    private static java.util.logging.Logger quietTextFormatLog() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(TextFormat.class.getName());
        log.setLevel(java.util.logging.Level.SEVERE);
        return log;
    }

    private P4InfoFiles() {
    }

    public static P4Info translatorV1model() {
        return load(TRANSLATOR_V1MODEL);
    }

    public static P4Info translatorTna() {
        return load(TRANSLATOR_TNA);
    }

    public static P4Info reporterV1model() {
        return load(REPORTER_V1MODEL);
    }

    public static P4Info reporterTna() {
        return load(REPORTER_TNA);
    }

    /** Loads and parses a P4Info text resource; an unknown resource or bad text is an error naming it. */
    public static P4Info load(String resource) {
        return parse(text(resource), resource);
    }

    /** The text of a P4Info resource, byte for byte as shipped. */
    public static String text(String resource) {
        ClassLoader loader = P4InfoFiles.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no P4Info resource " + resource + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read P4Info resource " + resource, e);
        }
    }

    /**
     * Parses P4Info text format leniently.
     *
     * @param source names the text in the error message (a file or resource name)
     */
    public static P4Info parse(CharSequence text, String source) {
        P4Info.Builder builder = P4Info.newBuilder();
        try {
            LENIENT.merge(text, builder);
        } catch (TextFormat.ParseException e) {
            throw new IllegalArgumentException("bad P4Info text in " + source + ": " + e.getMessage(), e);
        }
        return builder.build();
    }
}
