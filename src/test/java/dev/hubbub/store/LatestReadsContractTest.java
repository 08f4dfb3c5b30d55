package dev.hubbub.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The history contract holds with the latest reads kept: a store's own appends forget what they change. */
class LatestReadsContractTest extends HistoryStoreContract {

  @Override
  protected Future<HistoryStore> open(Vertx vertx) {
    return Future.succeededFuture(new LatestReads(new MemoryHistoryStore(1000)));
  }
}
