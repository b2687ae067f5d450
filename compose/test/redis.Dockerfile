# CI's stand-in for the official redis image (no registry is reachable in CI): Debian's redis-server on BASE.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s redis-server /usr/bin/redis-sentinel \
 && mkdir /data && chown redis:redis /data
# like the official image: redis-sentinel is redis-server under another name (Debian ships it in a package of its own,
# with a service), and /data belongs to redis, so a volume mounted there (a cluster node's nodes.conf) is writable
WORKDIR /data
USER redis
CMD ["redis-server", "--save", "", "--appendonly", "no"]
