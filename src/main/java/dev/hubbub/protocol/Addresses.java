package dev.hubbub.protocol;


/**
 * Every event-bus address Hubbub uses. Commands are request/reply; room feeds are publish-only.
 *
 * <p>All bodies are {@link io.vertx.core.json.JsonObject}s on the wire so that clustered nodes and polyglot
 * bridge clients can read them. On a node, room events ({@link FeedEvent}) and the write commands
 * ({@link WriteCommand}, answered with an {@link Ack}) travel as typed values instead, whose codecs send exactly
 * those JSON bodies between nodes; {@link #CHAT}, {@link #EDIT} and {@link #DELETE} take either, and answer
 * a JSON request in JSON. A failed command replies with a {@link io.vertx.core.eventbus.ReplyException}
 * whose failure code is one of {@link Failure}'s HTTP-like codes and whose message is safe to show a user.
 */
public final class Addresses {

  /** Prefix of the per-room feeds: every chat, joined, left, roster, edited and deleted event of a room. */
  public static final String ROOM_FEED_PREFIX = "hubbub.room.";

  /** {@code {room, username, session, guest, roles}} → {@code {room, username, users}}; then publishes joined, and the roster (coalesced during bursts). */
  public static final String JOIN = "hubbub.cmd.join";

  /**
   * Subscribing in one request, what every bridge sends before it replays a room to a client (having
   * subscribed to the room's feed first): {@code {room, <identity>, join, session?, since?, epoch?, limit?}} →
   * {@code {room, read, write, private, users, username?, messages, truncated, epoch}}.
   * <ul>
   *   <li>Access is decided once: {@code join: true} needs write access (and claims an unowned room, as
   *       {@link #JOIN} does), a watcher ({@code join} false or absent) read access; refused, it fails with
   *       {@link #JOIN}'s or {@link #ACCESS}'s code and message (401, 403), and nothing is joined.</li>
   *   <li>{@code join: true} joins {@code session} as {@code username} exactly as {@link #JOIN} does (409 for a
   *       name taken, and nothing joined): {@code users} is the roster as joined, and {@code joined} (then the
   *       roster) is published after the reply. A watcher gets the roster as it is now.</li>
   *   <li>{@code messages}, {@code truncated}, {@code epoch}: what {@link #HISTORY} answers for
   *       {@code since}/{@code epoch}/{@code limit}, read before the join. When the history cannot be read
   *       the join still stands and {@code historyError: {code, message}} replaces those three fields.</li>
   * </ul>
   * Clustered, it goes to the room's owner node like {@link #JOIN}, and a join made by it is re-made there
   * (as a plain join) when the room moves.
   */
  public static final String SUBSCRIBE = "hubbub.cmd.subscribe";

  /** {@code {room, session}} → {@code {}}; publishes left, and the roster (coalesced), if the session was present. */
  public static final String LEAVE = "hubbub.cmd.leave";

  /** {@code {}} → {@code {rooms: [{room, users}]}}: occupied rooms sorted by name, members-only rooms left out. */
  public static final String ROOMS = "hubbub.cmd.rooms";

  /**
   * {@code {room, username, text, cid?}} → {@code {id, seq, ts}} once committed; then publishes the chat event.
   * A {@code cid} already used by the same user in the room stores nothing and replies the first
   * message's {@code {id, seq, ts}} again, with {@code duplicate: true}.
   */
  public static final String CHAT = "hubbub.cmd.chat";

  /**
   * {@code {room, username, id, text}} → {@code {id, seq, ts}} once committed; then publishes {@code edited}.
   * Fails 404 for no such message in the room, 403 for someone else's, 409 for a deleted one.
   */
  public static final String EDIT = "hubbub.cmd.edit";

  /**
   * {@code {room, username, id}} → {@code {id, seq, ts}} once committed; then publishes {@code deleted}.
   * Fails 404 for no such message in the room, 403 for someone else's, 409 for one already deleted.
   */
  public static final String DELETE = "hubbub.cmd.delete";

  /**
   * {@code {room, since?}} → {@code {room, messages, truncated}}: the persisted events (chat, edited,
   * deleted) after {@code since} in {@code seq} order, or the latest ones when {@code since} is absent.
   * {@code truncated} is true when the reply does not continue right after {@code since} (too many were
   * missed, or {@code since} is beyond the room's history): the latest ones are sent and older ones are
   * paged through {@link #MESSAGES}.
   */
  public static final String HISTORY = "hubbub.cmd.history";

  /** {@code {room}} → {@code {room, users}}: the room's members in join order (empty when nobody is there). */
  public static final String ROSTER = "hubbub.cmd.roster";

  /**
   * Publish-only: every persisted event once it is stored, whatever its room, so observers such as the
   * live figures can count messages without a consumer per room. The body is the same typed
   * {@link dev.hubbub.protocol.FeedEvent} the room's feed carries (its JSON between nodes); an event of a
   * members-only room carries the header {@link #PRIVATE_HEADER}.
   */
  public static final String STORED = "hubbub.stored";

  /** Header on a {@link #STORED} event of a members-only room ({@code "true"}): count it, never show it. */
  public static final String PRIVATE_HEADER = "hubbub-private";

  /**
   * Publish-only: {@code {transport, instance, connections}} from each bridge instance whenever its number
   * of open connections changes; {@code transport} is e.g. {@code websocket} or {@code sse}.
   */
  public static final String CONNECTIONS = "hubbub.connections";

  /** {@code {}} → the current live figures, the same JSON as a {@link #STATS_FEED} snapshot. */
  public static final String STATS = "hubbub.cmd.stats";

  /**
   * Publish-only, periodic: {@code {type: "stats", ts, messagesPerSecond, messages, connections: {transport: n},
   * rooms: [{room, users, messages, lastSeq, last?: {username, text}}], roomCount}}.
   */
  public static final String STATS_FEED = "hubbub.stats";

  /**
   * {@code {room, after?, before?, limit?, q?}} → {@code {room, messages, more}}: chat messages in their
   * current state ({@code edited}/{@code deleted} flags), oldest first. With {@code after}: the first
   * {@code limit} after it; otherwise the last {@code limit} before {@code before} (or the latest).
   * {@code q} keeps only texts containing it, ignoring case. {@code more}: further messages exist in the
   * paging direction. {@code limit} is 1-200, default 50.
   */
  public static final String MESSAGES = "hubbub.cmd.messages";

  /**
   * Shutdown drain (request, from the hub itself, never from clients): the sequencer refuses new commands,
   * writes and answers what it holds, then replies {@code {commands}}: how many it answered meanwhile.
   */
  public static final String DRAIN = "hubbub.sequencer.drain";

  /** Shutdown (send, local): a bridge instance reports {@code {ws, sse, bridge}} clients it told it is going away. */
  public static final String SHUTDOWN_TOLD = "hubbub.shutdown.told";

  // Identity. Every command that acts for someone carries the bridge-verified identity fields
  // {username, guest, roles, account} (see dev.hubbub.auth.Identity); a command without guest: false is a guest's.
  // JOIN, SUBSCRIBE, CHAT, EDIT, DELETE, HISTORY, MESSAGES and ROSTER refuse what the room's policy does not allow,
  // with 401 (guests are off), 403 (members-only room, or a guest using a registered name).

  /**
   * {@code {room, username?, guest, roles, claim?}} → {@code {room, read, write, private, code?, reason?}}:
   * what this identity may do in the room; {@code code}/{@code reason} explain the first refusal (the read
   * one if reading is refused). With {@code claim: true} a registered user becomes the owner of a room
   * nobody owns yet (joins and posts claim). Bridges subscribe through {@link #SUBSCRIBE} instead.
   */
  public static final String ACCESS = "hubbub.cmd.access";

  /** {@code {room, <identity>}} → {@code {room, creator?, private, members}}; 403 for whoever may not read the room. */
  public static final String ROOM_ACCESS = "hubbub.cmd.roomAccess";

  /**
   * {@code {room, private, members, <identity>}} → {@code {room, creator, private, members}}: only the
   * room's creator or an admin (or any registered user for a room nobody owns yet, who becomes its creator);
   * then publishes on {@link #ACCESS_CHANGED}.
   */
  public static final String SET_ROOM_ACCESS = "hubbub.cmd.setRoomAccess";

  /**
   * Publish-only: {@code {room, creator, private, members}} after a room's access changed, so bridges can
   * drop subscribers that may no longer read it ({@link dev.hubbub.auth.RoomPolicy#canRead}).
   */
  public static final String ACCESS_CHANGED = "hubbub.access.changed";

  /** {@code {username, password}} → {@code {username, roles}}: a new account; 409 when the name is taken in any case. */
  public static final String REGISTER = "hubbub.auth.register";

  /**
   * {@code {username, password, address?}} → {@code {username, roles}}; 401 for a wrong name or password,
   * 429 after too many failures for the account or the client {@code address}.
   */
  public static final String LOGIN = "hubbub.auth.login";

  /**
   * {@code {username}} → {@code {username, roles, account, createdAt}}: the user as they are now (tokens are
   * checked against it, {@code account} being the immutable id they carry); 404 when gone.
   */
  public static final String USER = "hubbub.auth.user";

  /** {@code {username}} → {@code {deleted: true}}; 404 when there was no such user. Their tokens stop working. */
  public static final String DELETE_USER = "hubbub.auth.delete";

  /** Published {@code {username}} once an account is deleted: every bridge cuts that user's open connections. */
  public static final String ACCOUNT_DELETED = "hubbub.auth.deleted";

  /** Published {@code {username}} once an account is registered: cached access verdicts of guests using that name go stale. */
  public static final String ACCOUNT_CREATED = "hubbub.auth.created";

  private Addresses() {
  }

  public static String roomFeed(String room) {
    return ROOM_FEED_PREFIX + room;
  }

  /** The room whose feed {@code address} is, or null when it is not a valid room feed address. */
  public static String roomOf(String address) {
    if (address == null || !address.startsWith(ROOM_FEED_PREFIX)) {
      return null;
    }
    String room = address.substring(ROOM_FEED_PREFIX.length());
    return Rules.isRoom(room) ? room : null;
  }
}
