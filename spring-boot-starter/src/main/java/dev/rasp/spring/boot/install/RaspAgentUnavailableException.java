package dev.rasp.spring.boot.install;

/** rasp.attach.required=true and the agent could not be loaded: the application does not start unprotected. */
public class RaspAgentUnavailableException extends RuntimeException {

    private final String problem;

    public RaspAgentUnavailableException(String problem) {
        super("The RASP agent could not be loaded and rasp.attach.required=true: " + problem);
        this.problem = problem;
    }

    public String getProblem() {
        return problem;
    }
}
