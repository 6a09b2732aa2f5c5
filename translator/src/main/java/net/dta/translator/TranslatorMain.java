package net.dta.translator;

import java.io.PrintWriter;

import net.dta.translator.cli.CheckConfigCommand;
import net.dta.translator.cli.RunCommand;
import net.dta.translator.cli.StatusCommand;
import net.dta.common.cli.CliRunner;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code translator <command>}: the software translator and its tools. {@link #main} only calls
 * {@link #doMain} and exits with its code, so tests run every command in-process.
 *
 * <p>Exit codes: 0 success, 1 the command failed (bad configuration, a socket that cannot be
 * opened, an unreachable translator), 2 wrong usage.
 */
@Command(name = "translator", mixinStandardHelpOptions = true, versionProvider = TranslatorMain.Version.class,
        description = "The DTA software translator: DTA reports in (UDP), RoCEv2 RDMA requests out, programmed only through "
                + "its P4Runtime server, exactly like the P4 translator programs.",
        subcommands = {RunCommand.class, StatusCommand.class, CheckConfigCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Documentation: docs/translator.md, docs/translator-control.md"})
public final class TranslatorMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(doMain(args));
    }

    public static int doMain(String... args) {
        return doMain(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs one command with the given output streams; returns the exit code. */
    public static int doMain(PrintWriter out, PrintWriter err, String... args) {
        return CliRunner.execute(new TranslatorMain(), "translator", ExitCode.SOFTWARE, out, err, args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return CliRunner.version(TranslatorMain.class, "DTA translator");
        }
    }
}
