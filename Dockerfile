# syntax=docker/dockerfile:1
# The Host, one image for every role (Promotion__Roles picks them). Not built on the development machine: it has no
# container engine and cannot fetch base images (docs/operations.md, "Container image").
#
#   docker build -t promotion-engine .
#   docker run --read-only -v promotion-data:/data --tmpfs /tmp -p 8080:8080 -p 9464:9464 \
#     -e Promotion__Auth__SigningKey=... -e Promotion__Database__Provider=MySql -e Promotion__Database__ConnectionString=... promotion-engine

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Host/Host.csproj -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The public API on 8080, health and metrics on 9464 (the management port); the data folder (distribution spool,
# search index) is the only place written to, so the root filesystem can be read-only.
ENV ASPNETCORE_URLS=http://+:8080 \
    Telemetry__ManagementUrl=http://+:9464 \
    Promotion__DataDirectory=/data \
    Search__IndexDirectory=/data/search-index
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
EXPOSE 8080 9464
# The image's non-root user (`app`, uid 1654).
USER $APP_UID
# The runtime image has no curl: bash asks /health/live on the management port and wants a 200 status line.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9464 && printf 'GET /health/live HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "PromotionEngine.Host.dll"]
CMD ["serve"]
