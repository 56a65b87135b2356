# One slim image runs either fake and the Python sample app:
#   python -m fake_mailgun | python -m fake_logto | python -m e2e.apps.python
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md ./
COPY fakekit fakekit
COPY fake_logto fake_logto
COPY fake_mailgun fake_mailgun
COPY harness harness
COPY e2e/__init__.py e2e/__init__.py
COPY e2e/apps/__init__.py e2e/apps/__init__.py
COPY e2e/apps/python e2e/apps/python
RUN pip install ".[apps]"
EXPOSE 2525 3000 3001 5080
CMD ["python", "-m", "fake_logto", "--host", "0.0.0.0"]
