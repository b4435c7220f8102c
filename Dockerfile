# The platform's image: the web and worker processes of compose.yaml run it with different commands.

# The owner pages' chart library comes from package-lock.json, as `npm ci` installs it (install scripts never run);
# only the packages the pages serve are kept (no axe-core, which only the browser tests use).
FROM node:22-slim AS pages
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --omit=dev --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 DATA_DIR=/var/lib/salesbot
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY --from=pages /build/node_modules ./node_modules
COPY bot ./bot
COPY channels ./channels
COPY dashboard ./dashboard
COPY knowledge ./knowledge
# Files under DATA_DIR are the process's own (the platform also sets umask 077).
RUN useradd --system --home-dir /var/lib/salesbot --create-home salesbot
USER salesbot
EXPOSE 8080
CMD ["python", "-m", "bot", "serve", "--no-worker", "--host", "0.0.0.0", "--port", "8080"]
