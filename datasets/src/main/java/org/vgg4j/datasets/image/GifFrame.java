package org.vgg4j.datasets.image;

import java.awt.image.Raster;
import java.util.Arrays;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Where a GIF's first frame goes, from the JDK's GIF metadata, and how PIL draws it: on a canvas the size of the
 * logical screen, grown to hold the frame; pixels outside the frame take the frame's transparent index if it has one,
 * else index 0; indices past the colour table (all of them without one: PIL's mode {@code L}) are grey levels.
 *
 * @param canvasWidth  canvas width
 * @param canvasHeight canvas height
 * @param left         the frame's left edge on the canvas
 * @param top          the frame's top edge
 * @param background   the index outside the frame
 * @param paletteEntries colours in the frame's table (the local one, else the global one; 0 without either)
 */
record GifFrame(int canvasWidth, int canvasHeight, int left, int top, int background, int paletteEntries) {

    /** The frame's placement from the trees of {@code javax_imageio_gif_stream_1.0} and {@code _image_1.0}. */
    static GifFrame of(Node stream, Node image) {
        Element screen = ImageDecoder.first(stream, "LogicalScreenDescriptor");
        Element descriptor = ImageDecoder.first(image, "ImageDescriptor");
        int screenWidth = screen == null ? 0 : ImageDecoder.intAttribute(screen, "logicalScreenWidth", 0);
        int screenHeight = screen == null ? 0 : ImageDecoder.intAttribute(screen, "logicalScreenHeight", 0);
        int left = descriptor == null ? 0 : ImageDecoder.intAttribute(descriptor, "imageLeftPosition", 0);
        int top = descriptor == null ? 0 : ImageDecoder.intAttribute(descriptor, "imageTopPosition", 0);
        int width = descriptor == null ? 0 : ImageDecoder.intAttribute(descriptor, "imageWidth", 0);
        int height = descriptor == null ? 0 : ImageDecoder.intAttribute(descriptor, "imageHeight", 0);
        Element control = ImageDecoder.first(image, "GraphicControlExtension");
        int background = 0;
        if (control != null && "TRUE".equalsIgnoreCase(control.getAttribute("transparentColorFlag"))) {
            background = ImageDecoder.intAttribute(control, "transparentColorIndex", 0);
        }
        Element local = ImageDecoder.first(image, "LocalColorTable");
        Element global = ImageDecoder.first(stream, "GlobalColorTable");
        int entries = local != null ? ImageDecoder.intAttribute(local, "sizeOfLocalColorTable", 0)
                : global != null ? ImageDecoder.intAttribute(global, "sizeOfGlobalColorTable", 0) : 0;
        return new GifFrame(Math.max(screenWidth, left + width), Math.max(screenHeight, top + height), left, top,
                background, entries);
    }

    /** The canvas's samples with {@code frame} (palette indices) drawn at its place. */
    byte[] draw(Raster frame, int[] palette, PixelFormat pixels) {
        int w = Math.max(0, Math.min(frame.getWidth(), canvasWidth - left));
        int h = frame.getHeight();
        int[] frameRow = new int[w];
        return Samples.indexed(canvasWidth, canvasHeight, palette, (y, row) -> {
            Arrays.fill(row, background);
            int fy = y - top;
            if (fy >= 0 && fy < h && w > 0) {
                frame.getSamples(frame.getMinX(), frame.getMinY() + fy, w, 1, 0, frameRow);
                System.arraycopy(frameRow, 0, row, left, w);
            }
        }, pixels);
    }
}
