package org.vgg4j.serve;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * Reads request bodies within the size limit: the declared {@code Content-Length} is checked before a byte is read,
 * and a body without one is counted while it is read, so an oversized body is refused with 413 without being held
 * in memory. Image uploads come as raw bytes or as a {@code multipart/form-data} file part (TorchServe's
 * {@code curl -F data=@image.png}).
 */
final class RequestBodies {
    private final long maxBytes;

    /** The most bytes of a refused body that are read and dropped before the 413 is sent. */
    static final long SWALLOW_BYTES = 2L << 20;

    RequestBodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * The whole body.
     *
     * @throws ApiException 413 if it exceeds the limit, 400 if it cannot be read
     */
    byte[] read(Context ctx) {
        checkDeclaredLength(ctx);
        try (InputStream in = ctx.req().getInputStream()) {
            long declared = ctx.req().getContentLengthLong();
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 256),
                    Math.min(maxBytes, 1 << 26)));
            byte[] chunk = new byte[16384];
            long total = 0;
            int n;
            while ((n = in.read(chunk)) != -1) {
                total += n;
                if (total > maxBytes) {
                    swallow(in);
                    throw tooLarge("more than " + maxBytes);
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ApiException(ApiException.BAD_REQUEST, "the request body could not be read: " + e.getMessage());
        }
    }

    /**
     * The image of an image request: the only file part of a multipart form (or its part named {@code data} or
     * {@code file}), else the raw body.
     *
     * @throws ApiException 400 if the body is empty, the form is malformed or holds no file or several; 413 if too large
     */
    byte[] image(Context ctx) {
        String type = ctx.contentType();
        byte[] bytes;
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            checkDeclaredLength(ctx);
            bytes = filePart(ctx);
        } else {
            bytes = read(ctx);
        }
        if (bytes.length == 0) {
            throw new ApiException(ApiException.BAD_REQUEST, "the request has no image: send its bytes as the body, "
                    + "or as a multipart/form-data file part named 'data'");
        }
        return bytes;
    }

    private byte[] filePart(Context ctx) {
        List<UploadedFile> files;
        try {
            files = ctx.uploadedFiles();
        } catch (Exception e) { // Jetty's parser reports bad forms with checked and unchecked exceptions alike
            for (Throwable t = e; t != null; t = t.getCause()) {
                String why = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                if (why.contains("exceed") || why.contains("too large")) {
                    throw tooLarge("more than " + maxBytes);
                }
            }
            throw new ApiException(ApiException.BAD_REQUEST, "malformed multipart/form-data body: "
                    + innermost(e).getMessage());
        }
        UploadedFile chosen = files.size() == 1 ? files.get(0) : null;
        if (chosen == null) {
            List<UploadedFile> named = ctx.uploadedFiles("data");
            if (named.isEmpty()) {
                named = ctx.uploadedFiles("file");
            }
            if (named.size() == 1) {
                chosen = named.get(0);
            }
        }
        if (chosen == null) {
            throw new ApiException(ApiException.BAD_REQUEST, files.isEmpty()
                    ? "the multipart/form-data body has no file part; send the image as -F data=@image.png"
                    : "the multipart/form-data body has " + files.size() + " files; send one image per request");
        }
        try (InputStream in = chosen.content()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ApiException(ApiException.BAD_REQUEST, "the uploaded file could not be read: " + e.getMessage());
        }
    }

    private static Throwable innermost(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private void checkDeclaredLength(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            if (declared <= SWALLOW_BYTES) {
                try (InputStream in = ctx.req().getInputStream()) {
                    swallow(in);
                } catch (IOException e) {
                    // the client went away; the 413 below is still the answer
                }
            }
            throw tooLarge(Long.toString(declared));
        }
    }

    /**
     * Reads and drops up to {@link #SWALLOW_BYTES} more of a refused body, so that a client that sends its whole body
     * before reading the answer gets the 413 instead of a reset connection (Tomcat's maxSwallowSize does the same).
     */
    private static void swallow(InputStream in) {
        byte[] sink = new byte[16384];
        long dropped = 0;
        try {
            int n;
            while (dropped < SWALLOW_BYTES && (n = in.read(sink)) != -1) {
                dropped += n;
            }
        } catch (IOException e) {
            // nothing more to drop
        }
    }

    private ApiException tooLarge(String size) {
        return new ApiException(ApiException.CONTENT_TOO_LARGE, "the request body is " + size
                + " bytes; the limit is " + maxBytes + " (--max-body-bytes)");
    }
}
