package dev.mu2sls.examples.upgrade;

import dev.mu2sls.Deterministic;
import dev.mu2sls.Effects;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.PersistentValue;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/**
 * {@link SignupV1} patched in place: new registrations get a welcome bonus, and those started by
 * version 1 finish as version 1 would have.
 */
@Service
public class SignupV2 {
    private final PersistentValue<Long> members;
    private final PersistentMap<String, String> mails;
    private final PersistentMap<String, Long> bonuses;

    public SignupV2(State state) {
        members = state.value("members", Long.class);
        mails = state.map("mails", String.class, String.class);
        bonuses = state.map("bonuses", String.class, Long.class);
    }

    /** Registers {@code user}; since the change "welcome-bonus", with a bonus of 10. */
    public String register(String user) {
        long number = members.getOrDefault(0L) + 1;
        boolean bonus = Deterministic.version("welcome-bonus", 1) >= 1;
        String mail = Effects.run("welcome-mail", String.class, () -> "welcome " + user);
        members.set(number);
        mails.put(user, mail);
        if (bonus) {
            bonuses.put(user, 10L);
            return "member " + number + " with a bonus";
        }
        return "member " + number;
    }
}
