package dev.mu2sls.examples.media;

import dev.mu2sls.Service;

/** W4: uploads the text of a review being composed. Stateless. */
@Service
public class Text {
    private final ComposeReviewClient composeReview = new ComposeReviewClient();

    public void upload(String requestId, String text) {
        composeReview.uploadText(requestId, text);
    }
}
