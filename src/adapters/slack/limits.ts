// What Slack accepts and allows, in one place (api.slack.com: Block Kit limits, rate limit tiers).

/** Blocks in one message. */
export const MAX_BLOCKS = 50;
/** Characters of one section's text (mrkdwn). */
export const MAX_SECTION_TEXT = 3000;
/** Fields in one section, and characters of each. */
export const MAX_FIELDS = 10;
export const MAX_FIELD_TEXT = 2000;
/** Elements of one context block. */
export const MAX_CONTEXT_ELEMENTS = 10;
/** Buttons in one actions block; characters of a button label and of an action_id. */
export const MAX_ACTIONS = 25;
export const MAX_BUTTON_LABEL = 75;
export const MAX_ACTION_ID = 255;
/** Plain-text header block. */
export const MAX_HEADER_TEXT = 150;
/**
 * Characters of all block text in one message: Slack answers `msg_blocks_too_long` at about
 * 13,000; we stay at 12,000 so escaping and markup never tip it over.
 */
export const MAX_MESSAGE_TEXT = 12_000;
/** The `text` fallback (notifications, screen readers); Slack truncates at 40,000. */
export const MAX_FALLBACK_TEXT = 3000;

/** `chat.update` is Tier 3: about 50 a minute per workspace, shared by every message we edit. */
export const UPDATES_PER_MINUTE_PER_WORKSPACE = 50;
/** `chat.postMessage`: about one a second per channel (short bursts allowed). */
export const POSTS_PER_SECOND_PER_CHANNEL = 1;
/** Edits of one message: at most one a second. */
export const MIN_EDIT_INTERVAL_MS = 1000;

/** A response_url takes 5 answers within 30 minutes of the command or button press. */
export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
