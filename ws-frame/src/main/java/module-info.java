/** RFC 6455 framing. */
module dev.sleet.frame {
    // API
    exports dev.sleet.frame;
}
