# CI's stand-in for the official redis image (no registry is reachable in CI): Debian's redis-server on BASE.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data && chown redis:redis /data
# like the official image: /data belongs to redis, so a volume mounted there (a cluster node's nodes.conf) is writable
WORKDIR /data
USER redis
CMD ["redis-server", "--save", "", "--appendonly", "no"]
