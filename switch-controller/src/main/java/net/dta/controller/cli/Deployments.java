package net.dta.controller.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import net.dta.common.config.ConfigException;
import net.dta.common.config.ConfigProblem;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;

/** Loads a deployment file for a command, printing every problem when it is invalid. */
final class Deployments {
    private Deployments() {
    }

    /** The deployment, or null after printing its problems to err. */
    static Deployment load(Path file, PrintWriter err) {
        try {
            return DeploymentLoader.load(file);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p);
            }
            err.println(e.problems().size() == 1 ? "1 problem" : e.problems().size() + " problems");
            return null;
        }
    }
}
