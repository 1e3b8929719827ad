package dev.mu2sls.examples.upgrade;

import dev.mu2sls.Effects;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.PersistentValue;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** Version 1 of the {@code Signup} service ({@link Deployed} names both versions so), before the welcome bonus ({@link SignupV2}). */
@Service
public class SignupV1 {
    private final PersistentValue<Long> members;
    private final PersistentMap<String, String> mails;

    public SignupV1(State state) {
        members = state.value("members", Long.class);
        mails = state.map("mails", String.class, String.class);
    }

    /** Registers {@code user}: counts them and records their welcome mail. */
    public String register(String user) {
        long number = members.getOrDefault(0L) + 1;
        String mail = Effects.run("welcome-mail", String.class, () -> "welcome " + user);
        members.set(number);
        mails.put(user, mail);
        return "member " + number;
    }
}
