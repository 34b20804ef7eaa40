/**
 * Beam coders for model records that the model module does not code yet ({@link
 * org.flowbeam.model.IpStats}, {@link org.flowbeam.model.TimeBin}). They are deterministic, so the
 * records can be grouped on; they belong next to {@code FlowRecordCoder} and can move there.
 */
package org.flowbeam.io.coders;
